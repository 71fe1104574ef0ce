/**
 * SqliteStore never touches a file that is not its own: a WAL-mode database of another
 * application is refused before SQLite could create `-wal`/`-shm` beside it, and an empty
 * file is taken over with a warning in the log.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreFormatError } from '../../src/store/errors.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../support/temp-paths.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('SqliteStore and files that are not its own', () => {
  it('a WAL-mode database of another application is refused, unchanged, with no -wal or -shm left beside it', async () => {
    const dir = tempDir('duroxide-foreign-');
    const path = join(dir, 'app.db');
    const other = new Database(path);
    other.pragma('journal_mode = WAL');
    other.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada')`);
    other.close();
    const before = sha(path);
    expect(readdirSync(dir)).toEqual(['app.db']);

    const store = new SqliteStore({ path });
    const err = await store.init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreFormatError);
    expect(err.message).toContain('another application (tables: customers)');
    expect(readdirSync(dir)).toEqual(['app.db']);
    expect(sha(path)).toBe(before);
    await store.close();
  });

  it('a file that is not SQLite at all is refused and left as it was', async () => {
    const dir = tempDir('duroxide-foreign-');
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'just some text, not a database\n'.repeat(10));
    const err = await new SqliteStore({ path }).init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreFormatError);
    expect(readdirSync(dir)).toEqual(['notes.db']);
    expect(readFileSync(path, 'utf8')).toBe('just some text, not a database\n'.repeat(10));
  });

  it('an empty file is taken over, and the log says so', async () => {
    const dir = tempDir('duroxide-foreign-');
    const path = join(dir, 'empty.db');
    writeFileSync(path, '');
    const warnings: string[] = [];
    const store = new SqliteStore({ path, logger: { warn: (m) => warnings.push(m) } });
    await store.init();
    expect(warnings).toEqual([`duroxide: ${path} is an empty file; SqliteStore is creating its database in it.`]);
    expect(await store.listInstances()).toEqual([]);
    await store.close();
  });

  it('a database of an earlier release (no application id yet) opens, keeps its data, and is marked as ours', async () => {
    const dir = tempDir('duroxide-foreign-');
    const path = join(dir, 'old.db');
    const first = new SqliteStore({ path });
    await first.init();
    await first.createInstance({ kind: 'StartOrchestration', instanceId: 'kept', name: 'n', input: 1 });
    await first.close();
    const raw = new Database(path);
    raw.pragma('application_id = 0');
    raw.close();

    const again = new SqliteStore({ path });
    await again.init();
    expect((await again.getInstance('kept'))?.instanceId).toBe('kept');
    await again.close();
    expect(readFileSync(path).readUInt32BE(68)).toBe(0x44524f58);
  });
});
