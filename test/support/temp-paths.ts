/** Temporary directories and SQLite file paths for tests, removed after the run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh directory under the OS temp dir, deleted when the test file finishes. */
export function tempDir(prefix = 'duroxide-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let counter = 0;
/** A path for a new SQLite file in a temp dir of this test file. */
export function tempDbPath(dir: string): string {
  return join(dir, `db-${process.pid}-${counter++}.db`);
}
