/** SqliteStore: the conformance kit on real files, plus what only a file-backed store can show. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runStoreConformance } from '../../src/store/conformance/index.js';
import { StoreFormatError } from '../../src/store/errors.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';

const dir = tempDir('duroxide-sqlite-');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

runStoreConformance(() => new SqliteStore({ path: tempDbPath(dir) }), { name: 'SqliteStore' });

describe('SqliteStore on disk', () => {
  it('keeps data across close and reopen', async () => {
    const path = tempDbPath(dir);
    const a = new SqliteStore({ path });
    await a.init();
    await a.createInstance({ kind: 'StartOrchestration', instanceId: 'kept', name: 'flow', input: { x: 1 } });
    await a.close();
    const b = new SqliteStore({ path });
    await b.init();
    expect((await b.getInstance('kept'))?.name).toBe('flow');
    expect((await b.fetchOrchestrationItem(1000))?.messages[0].message).toMatchObject({ input: { x: 1 } });
    await b.close();
  });

  it('runs in WAL mode with the chosen synchronous level', async () => {
    // synchronous is a setting of the connection, not of the file: read it on the store's own.
    const level = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true });
    const SQLITE_NORMAL = 1;
    const SQLITE_FULL = 2;
    const path = tempDbPath(dir);
    const full = new SqliteStore({ path, synchronous: 'full' });
    await full.init();
    expect(level(full)).toBe(SQLITE_FULL);
    await full.close();
    const byDefault = new SqliteStore({ path });
    await byDefault.init();
    expect(level(byDefault)).toBe(SQLITE_NORMAL);
    await byDefault.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('two store objects on one file respect each other’s locks, like two processes', async () => {
    const path = tempDbPath(dir);
    const a = new SqliteStore({ path });
    const b = new SqliteStore({ path });
    await a.init();
    await b.init();
    await a.createInstance({ kind: 'StartOrchestration', instanceId: 'x', name: 'flow', input: null });
    const item = (await a.fetchOrchestrationItem(30_000))!;
    expect(await b.fetchOrchestrationItem(30_000)).toBeNull();
    await a.ackOrchestrationItem(item.lockToken, {
      executionId: 1,
      historyDelta: [{ kind: 'OrchestrationStarted', eventId: 1, timestampMs: 1, name: 'flow', version: '1', input: null, executionId: 1 }],
      instance: { name: 'flow', version: '1', status: 'Running' },
      workItems: [],
      orchestratorMessages: [],
    });
    expect(await b.readHistory('x')).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('a file that is not a SQLite database gets StoreFormatError and is left byte for byte', async () => {
    const path = tempDbPath(dir);
    writeFileSync(path, 'not a database\n'.repeat(500));
    const before = sha(path);
    const err = await new SqliteStore({ path }).init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreFormatError);
    expect(String(err.message)).toContain(path);
    expect(sha(path)).toBe(before);
  });

  it('a SQLite database of another application gets StoreFormatError and is left byte for byte', async () => {
    const path = tempDbPath(dir);
    const other = new Database(path);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada')");
    other.close();
    const before = sha(path);
    const err = await new SqliteStore({ path }).init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreFormatError);
    expect(String(err.message)).toContain('customers');
    expect(sha(path)).toBe(before);
  });

  it('a database written by a newer schema version is refused and left intact', async () => {
    const path = tempDbPath(dir);
    const s = new SqliteStore({ path });
    await s.init();
    await s.close();
    const db = new Database(path);
    db.prepare("UPDATE duroxide_meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    const before = sha(path);
    const err = await new SqliteStore({ path }).init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreFormatError);
    expect(String(err.message)).toMatch(/newer/);
    expect(sha(path)).toBe(before);
  });
});
