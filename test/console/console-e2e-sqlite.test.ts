/** The console end to end in Chromium on the embedded SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { consoleEndToEnd } from './console-e2e.js';

const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
const path = join(dir, 'duroxide.db');

describe('console in Chromium: SQLite', () => {
  consoleEndToEnd('SQLite', {
    runtimeStore: async () => new SqliteStore({ path }),
    consoleStore: async () => {
      const s = new SqliteStore({ path });
      await s.init();
      return s;
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  });
});
