/** PostgresStore: the conformance kit unchanged, plus errors and cross-process behaviour. */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreConformance } from '../../src/store/conformance/index.js';
import { StoreError, StoreFormatError } from '../../src/store/errors.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { DATABASE_URL, postgresAvailable } from './postgres-connection.js';

const available = await postgresAvailable();
const schemas: string[] = [];
let n = 0;
function newSchema(): string {
  const s = `dx_test_${process.pid}_${n++}`;
  schemas.push(s);
  return s;
}

afterAll(async () => {
  if (!available || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

describe.skipIf(!available)('PostgresStore', () => {
  runStoreConformance(() => new PostgresStore({ connectionString: DATABASE_URL, schema: newSchema(), max: 4 }), { name: 'PostgresStore' });

  it('an unreachable server gives a clear StoreError naming the target, without the password', async () => {
    const store = new PostgresStore({ connectionString: 'postgres://someone:hunter2secret@127.0.0.1:1/test', schema: 'dx_unreachable' });
    const err = await store.init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toContain('Cannot reach PostgreSQL at someone@127.0.0.1:1/test');
    expect(err.message).not.toContain('hunter2secret');
    await store.close();
  });

  it('a missing database is named in the error', async () => {
    const url = new URL(DATABASE_URL);
    url.pathname = '/no_such_database_dx';
    const store = new PostgresStore({ connectionString: url.toString(), schema: 'dx_missing' });
    const err = await store.init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toContain('no_such_database_dx');
    await store.close();
  });

  it('a schema written by a newer version is refused and left unchanged', async () => {
    const schema = newSchema();
    const first = new PostgresStore({ connectionString: DATABASE_URL, schema });
    await first.init();
    await first.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`UPDATE "${schema}".meta SET value = '99' WHERE key = 'schema_version'`);
    const second = new PostgresStore({ connectionString: DATABASE_URL, schema });
    const err = await second.init().catch((e) => e);
    expect(err).toBeInstanceOf(StoreFormatError);
    expect(err.message).toContain('newer');
    expect((await client.query(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`)).rows[0].value).toBe('99');
    await client.end();
    await second.close();
  });

  it('two stores on one schema (two processes) respect each other’s locks and share data', async () => {
    const schema = newSchema();
    const a = new PostgresStore({ connectionString: DATABASE_URL, schema });
    const b = new PostgresStore({ connectionString: DATABASE_URL, schema });
    await Promise.all([a.init(), b.init()]); // concurrent migration is serialised
    await a.createInstance({ kind: 'StartOrchestration', instanceId: 'shared', name: 'flow', input: null });
    const item = (await a.fetchOrchestrationItem(30_000))!;
    expect(await b.fetchOrchestrationItem(30_000)).toBeNull();
    await a.ackOrchestrationItem(item.lockToken, {
      executionId: 1,
      historyDelta: [{ kind: 'OrchestrationStarted', eventId: 1, timestampMs: 1, name: 'flow', version: '1', input: null, executionId: 1 }],
      instance: { name: 'flow', version: '1', status: 'Running' },
      workItems: [],
      orchestratorMessages: [],
    });
    expect(await b.readHistory('shared')).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('NOTIFY wakes a listener in another store object', async () => {
    const schema = newSchema();
    const a = new PostgresStore({ connectionString: DATABASE_URL, schema });
    const b = new PostgresStore({ connectionString: DATABASE_URL, schema });
    await a.init();
    await b.init();
    const heard: string[] = [];
    b.onWork((q) => heard.push(q));
    await a.enqueueWorkItem({ queue: 'activity', kind: 'ExecuteActivity', instanceId: 'x', executionId: 1, eventId: 2, name: 'n', input: null, orchestrationName: 'f' });
    for (let i = 0; i < 100 && !heard.includes('activity'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(heard).toContain('activity');
    await a.close();
    await b.close();
  });
});
