/**
 * Histories that stay small: on real SQLite files and a real PostgreSQL schema, large event
 * values are stored once by content hash, a transcript resent with more text appended costs
 * only the new text, and every read gets the plain values back (or a typed error, never a
 * wrong value).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEvent, Json } from '../../src/runtime/history.js';
import { commit, event, start, started } from '../../src/store/conformance/fixtures.js';
import { PayloadIntegrityError } from '../../src/store/errors.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres-store.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { WorkItem } from '../../src/runtime/messages.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';
import { DATABASE_URL, postgresAvailable } from './postgres-connection.js';

type Options = Pick<SqliteStoreOptions, 'payloadThresholdBytes' | 'historyWarningBytes' | 'logger'>;

/** A SQL store under test and a side door to its tables (another connection). */
interface Target {
  name: string;
  skip: boolean;
  /** A store on a fresh database; `again()` opens a second store object on the same one (no shared hints). */
  open(opts?: Options): Promise<{ store: Store; again(): Promise<Store>; sql(query: string, params?: unknown[]): Promise<Record<string, any>[]> }>;
}

const dir = tempDir('duroxide-cas-');
const pgUp = await postgresAvailable();
const schemas: string[] = [];
const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  if (!pgUp || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

async function initd<S extends Store>(s: S): Promise<S> {
  await s.init();
  opened.push(s);
  return s;
}

const targets: Target[] = [
  {
    name: 'SqliteStore',
    skip: false,
    async open(opts = {}) {
      const path = tempDbPath(dir);
      const store = await initd(new SqliteStore({ path, ...opts }));
      return {
        store,
        again: () => initd(new SqliteStore({ path, ...opts })),
        async sql(query, params = []) {
          const db = new Database(path);
          try {
            const st = db.prepare(query);
            return st.reader ? (st.all(...params) as Record<string, any>[]) : (st.run(...params), []);
          } finally {
            db.close();
          }
        },
      };
    },
  },
  {
    name: 'PostgresStore',
    skip: !pgUp,
    async open(opts = {}) {
      const schema = `dx_cas_${process.pid}_${schemas.length}`;
      schemas.push(schema);
      const make = () => initd(new PostgresStore({ connectionString: DATABASE_URL, schema, max: 4, ...(opts as PostgresStoreOptions) }));
      const store = await make();
      return {
        store,
        again: make,
        async sql(query, params = []) {
          const client = new pg.Client({ connectionString: DATABASE_URL });
          await client.connect();
          try {
            return (await client.query(query.replaceAll('{s}', `"${schema}"`).replace(/\?/g, () => `$${++n}`), params)).rows;
          } finally {
            n = 0;
            await client.end();
          }
        },
      };
    },
  },
];
let n = 0;

/** Deterministic text that does not repeat: words from a small PRNG. */
function prose(chars: number, seed: number): string {
  const words = ['tool', 'result', 'the', 'disk', 'is', 'full', 'retry', 'plan', 'node', 'cpu', 'memory', 'agent', 'ok', 'error', 'step'];
  let x = (Math.imul(seed + 1, 2654435761) ^ 0x5bd1e995) | 0 || 1;
  let out = '';
  while (out.length < chars) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += `${words[(x >>> 0) % words.length]}${(x >>> 8) % 7} `;
  }
  return out.slice(0, chars);
}

/** One turn of `id`: an event wakes it, and the delta is committed. */
async function turn(store: Store, id: string, delta: HistoryEvent[], executionId = 1): Promise<void> {
  await store.enqueueOrchestratorMessage(event(id, 'tick'));
  const item = (await store.fetchOrchestrationItem(30_000))!;
  await store.ackOrchestrationItem(item.lockToken, commit({ executionId, historyDelta: delta }));
}

async function started1(store: Store, id: string): Promise<void> {
  await store.createInstance(start(id));
  const item = (await store.fetchOrchestrationItem(30_000))!;
  await store.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()] }));
}

function llmPair(eventId: number, prompt: string, answer: string): HistoryEvent[] {
  return [
    { kind: 'LlmRequested', eventId, timestampMs: 1, operation: 'generate', promptHash: `h${eventId}`, provider: 'mock', options: {}, prompt: { prompt } },
    { kind: 'LlmCompleted', eventId: eventId + 1, timestampMs: 2, sourceEventId: eventId, result: answer, tokensUsed: { input: 1, output: 1 }, model: 'm', raw: { text: answer, finishReason: 'stop' } },
  ];
}

const payloadBytes = async (sql: Awaited<ReturnType<Target['open']>>['sql'], table: string) =>
  Number((await sql(`SELECT COALESCE(SUM(length(body)), 0) AS n FROM ${table}`))[0].n);

for (const t of targets) {
  const payloads = t.name === 'SqliteStore' ? 'payloads' : '{s}.payloads';
  const history = t.name === 'SqliteStore' ? 'history' : '{s}.history';
  describe.skipIf(t.skip)(`content-addressed history: ${t.name}`, () => {
    it('large values round-trip through every read path; small ones stay inline in the row', async () => {
      const { store, again, sql } = await t.open();
      await started1(store, 'a');
      const big = prose(5000, 1);
      const input: Json = { items: [prose(3000, 2), prose(3000, 3)], small: 'tiny' };
      const delta: HistoryEvent[] = [
        { kind: 'ActivityScheduled', eventId: 2, timestampMs: 1, name: 'act', input, inputHash: 'x' },
        { kind: 'ActivityCompleted', eventId: 3, timestampMs: 2, sourceEventId: 2, result: 'short answer' },
        ...llmPair(4, big, big),
      ];
      await turn(store, 'a', delta);
      const expected = [started(), ...delta];
      expect(await store.readHistory('a')).toEqual(expected);
      expect(await store.readHistory('a', 1)).toEqual(expected);
      // A cache miss (a store without this process's state) reads the same history.
      const other = await again();
      await other.enqueueOrchestratorMessage(event('a', 'tock'));
      expect((await other.fetchOrchestrationItem(30_000))!.history).toEqual(expected);

      const rows = await sql(`SELECT event_id, event FROM ${history} ORDER BY event_id`);
      expect(rows.find((r) => Number(r.event_id) === 3)!.event).toContain('short answer');
      expect(rows.find((r) => Number(r.event_id) === 2)!.event).toContain('"small":"tiny"');
      expect(rows.every((r) => r.event.length < 1024)).toBe(true);
      // The answer is in result and raw.text and the prompt: one stored text for all three.
      expect(await payloadBytes(sql, payloads)).toBeLessThan(JSON.stringify(big).length + 6000 + 400);
    });

    it('a transcript that grows by 2 KB for 100 turns stores about its final length, not the sum of all of them', async () => {
      const { store, again, sql } = await t.open({ logger: { warn: () => {} } });
      await started1(store, 'agent');
      let transcript = prose(2048, 7);
      let plain = 0;
      for (let i = 0; i < 100; i++) {
        const answer = `step ${i}: ${prose(150, 100 + i)}`;
        const delta = llmPair(2 + 2 * i, transcript, answer);
        plain += delta.reduce((s, e) => s + JSON.stringify(e).length, 0);
        await turn(store, 'agent', delta);
        transcript += `${answer}\n${prose(2048 - answer.length - 1, 200 + i)}`;
      }
      const stored = await payloadBytes(sql, payloads);
      const finalPrompt = JSON.stringify(transcript).length - 2048;
      expect(plain).toBeGreaterThan(10_000_000);
      expect(stored).toBeLessThan(finalPrompt * 1.05);
      const rowBytes = Number((await sql(`SELECT SUM(length(event)) AS n FROM ${history}`))[0].n);
      expect(rowBytes).toBeLessThan(100 * 1000);
      const read = await store.readHistory('agent');
      expect(read).toHaveLength(201);
      expect((read[199] as unknown as { prompt: { prompt: string } }).prompt.prompt).toBe(transcript.slice(0, transcript.length - 2048));

      // A second store object (another process, no hints) finds the stored prefix by content.
      const cold = await again();
      const before = await payloadBytes(sql, payloads);
      await turn(cold, 'agent', llmPair(202, transcript, 'last'));
      expect((await payloadBytes(sql, payloads)) - before).toBeLessThan(2048 + 8 * 1024);
      expect(((await cold.readHistory('agent'))[201] as unknown as { prompt: { prompt: string } }).prompt.prompt).toBe(transcript);
    });

    it('a growing transcript full of escapes, non-ASCII and surrogate pairs reads back exactly, warm and cold', async () => {
      const { store, again, sql } = await t.open();
      await started1(store, 'esc');
      const pieces = ['quote " ', 'back\\slash ', 'tab\t', 'line\n', 'é ', '漢字 ', '😀 ', '\u0001 ', prose(300, 31)];
      let transcript = prose(3000, 30);
      const expected: HistoryEvent[] = [started()];
      for (let i = 0; i < 12; i++) {
        // Every third turn ends on the first half of a surrogate pair that the next turn completes.
        const delta = llmPair(2 + 2 * i, i % 3 === 2 ? `${transcript}\ud83d` : transcript, `answer ${i}`);
        await turn(store, 'esc', delta);
        expected.push(...delta);
        transcript += i % 3 === 2 ? `\ud83d\ude00${pieces[i % pieces.length]}` : pieces.map((p, k) => (k + i) % 2 ? p : '').join('') + prose(500, 40 + i);
      }
      expect(await store.readHistory('esc')).toEqual(expected);
      expect(await (await again()).readHistory('esc')).toEqual(expected);
      // Only the new text of each turn was stored, not each whole transcript again.
      expect(await payloadBytes(sql, payloads)).toBeLessThan(JSON.stringify(transcript).length * 1.5);
    });

    it('an LLM work item refers to the prompt its turn records instead of carrying a copy; an unrecorded one is carried whole', async () => {
      const { store, again, sql } = await t.open();
      const work = t.name === 'SqliteStore' ? 'work_queue' : '{s}.work_queue';
      await started1(store, 'w');
      const prompt = prose(20_000, 21);
      const llmItem = (eventId: number, text: string): WorkItem => ({
        queue: 'llm', kind: 'ExecuteLlm', instanceId: 'w', executionId: 1, eventId, operation: 'generate', provider: 'default', request: { prompt: text, system: 'be brief' },
      });
      await store.enqueueOrchestratorMessage(event('w', 'go'));
      let item = (await store.fetchOrchestrationItem(30_000))!;
      const recorded = llmPair(2, prompt, 'unused').slice(0, 1);
      await store.ackOrchestrationItem(item.lockToken, commit({ historyDelta: recorded, workItems: [llmItem(2, prompt)] }));
      const [row] = await sql(`SELECT item FROM ${work}`);
      expect(row.item.length).toBeLessThan(1024);
      expect(row.item).not.toContain(prompt.slice(0, 200));
      // The writer resolves the reference from memory; another store object (another process) from the payloads table.
      const other = await again();
      const taken = (await other.fetchWorkItem('llm', 30_000))!;
      expect(taken.item).toEqual(llmItem(2, prompt));
      await other.abandonWorkItem(taken.lockToken);
      const same = (await store.fetchWorkItem('llm', 30_000))!;
      expect(same.item).toEqual(llmItem(2, prompt));
      await store.ackWorkItem(same.lockToken, null);

      // A prompt that history does not record (recordPrompts off) travels in the item and never reaches `payloads`.
      const secret = prose(20_000, 22);
      const before = await payloadBytes(sql, payloads);
      await store.enqueueOrchestratorMessage(event('w', 'again'));
      item = (await store.fetchOrchestrationItem(30_000))!;
      const unrecorded: HistoryEvent = { kind: 'LlmRequested', eventId: 3, timestampMs: 1, operation: 'generate', promptHash: 'h3', provider: 'mock', options: {} };
      await store.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [unrecorded], workItems: [llmItem(3, secret)] }));
      expect(await payloadBytes(sql, payloads)).toBe(before);
      expect((await sql(`SELECT item FROM ${work}`))[0].item).toContain(secret.slice(0, 200));
      expect((await (await again()).fetchWorkItem('llm', 30_000))!.item).toEqual(llmItem(3, secret));
    });

    it('a changed payload row fails the read with a typed error naming the instance, event and value', async () => {
      const { store, sql } = await t.open();
      await started1(store, 'c');
      await turn(store, 'c', llmPair(2, prose(4000, 9), 'ok'));
      await sql(`UPDATE ${payloads} SET body = replace(body, 'tool', 'TOOL')`);
      const err = await store.readHistory('c').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PayloadIntegrityError);
      expect((err as PayloadIntegrityError).location).toMatchObject({ instanceId: 'c', executionId: 1, eventId: 2, kind: 'LlmRequested', path: 'prompt.prompt' });
      expect((err as Error).message).toMatch(/instance "c".*event 2 \(LlmRequested\).*"prompt\.prompt".*does not match its hash/);
    });

    it('a changed node inside a chain fails the read of the value built on it, from a cold store too', async () => {
      const { store, sql, again } = await t.open();
      await started1(store, 'k');
      const first = prose(6000, 14);
      await turn(store, 'k', llmPair(2, first, 'ok'));
      await turn(store, 'k', llmPair(4, `${first} MARKER-ONE ${prose(3000, 15)}`, 'ok'));
      expect((await store.readHistory('k'))[3]).toMatchObject({ prompt: { prompt: expect.stringContaining('MARKER-ONE') } });
      // Only the node holding the second prompt's new text changes; the first value is read first and verifies.
      await sql(`UPDATE ${payloads} SET body = replace(body, 'MARKER-ONE', 'MARKER-TWO')`);
      for (const reader of [store, await again()]) {
        const err = await reader.readHistory('k').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PayloadIntegrityError);
        expect((err as PayloadIntegrityError).location).toMatchObject({ instanceId: 'k', eventId: 4, kind: 'LlmRequested', path: 'prompt.prompt' });
      }
    });

    it('a missing payload row fails the read with a typed error too', async () => {
      const { store, sql } = await t.open();
      await started1(store, 'm');
      await turn(store, 'm', llmPair(2, prose(4000, 10), 'ok'));
      await sql(`DELETE FROM ${payloads}`);
      await expect(store.readHistory('m')).rejects.toThrow(/event 2 \(LlmRequested\).*payload row is missing/);
    });

    it('warns once per instance when its history passes the size threshold', async () => {
      const warnings: [string, Record<string, unknown> | undefined][] = [];
      const { store } = await t.open({ historyWarningBytes: 20_000, logger: { warn: (m, f) => warnings.push([m, f]) } });
      await started1(store, 'w');
      await started1(store, 'quiet');
      for (let i = 0; i < 6; i++) await turn(store, 'w', llmPair(2 + 2 * i, prose(5000 + i * 100, i), 'ok'));
      await turn(store, 'quiet', llmPair(2, 'small', 'ok'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0][0]).toMatch(/History of instance "w" \(execution 1\) has reached .* past the 20\.0 KB warning threshold/);
      expect(warnings[0][1]).toMatchObject({ instanceId: 'w', executionId: 1, threshold: 20_000 });
    });

    it('with payloadThresholdBytes: Infinity every value stays inline', async () => {
      const { store, sql } = await t.open({ payloadThresholdBytes: Infinity });
      await started1(store, 'p');
      await turn(store, 'p', llmPair(2, prose(4000, 11), 'ok'));
      expect(await payloadBytes(sql, payloads)).toBe(0);
      expect((await store.readHistory('p'))[1]).toMatchObject({ prompt: { prompt: prose(4000, 11) } });
    });
  });
}

describe('content-addressed history: migration', () => {
  it('a SQLite file of schema 2 opens, keeps its plain rows readable, and stores new large values by hash', async () => {
    const path = tempDbPath(dir);
    const db = new Database(path);
    db.exec(`CREATE TABLE duroxide_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    db.exec(SQLITE_MIGRATIONS[1] + SQLITE_MIGRATIONS[2]);
    db.prepare(`INSERT INTO duroxide_meta VALUES ('format', 'duroxide-llm'), ('schema_version', '2')`).run();
    const old: HistoryEvent[] = [started(), ...llmPair(2, prose(6000, 12), prose(2000, 13))];
    db.prepare(`INSERT INTO instances (instance_id, name, status, execution_id, created_at, updated_at) VALUES ('old', 'flow', 'Running', 1, 1, 1)`).run();
    for (const e of old) db.prepare(`INSERT INTO history VALUES ('old', 1, ?, ?)`).run(e.eventId, JSON.stringify(e));
    db.close();

    const store = await initd(new SqliteStore({ path }));
    expect(await store.readHistory('old')).toEqual(old);
    const next = llmPair(4, prose(7000, 12), 'fine');
    await turn(store, 'old', next);
    expect(await store.readHistory('old')).toEqual([...old, ...next]);
    const check = new Database(path, { readonly: true });
    expect((check.prepare(`SELECT value FROM duroxide_meta WHERE key = 'schema_version'`).get() as { value: string }).value).toBe(String(SQLITE_SCHEMA_VERSION));
    expect((check.prepare(`SELECT COUNT(*) AS n FROM payloads`).get() as { n: number }).n).toBeGreaterThan(0);
    check.close();
  });

  it.skipIf(!pgUp)('a PostgreSQL schema of version 4 migrates and keeps its plain rows readable', async () => {
    const { PG_MIGRATIONS } = await import('../../src/store/postgres-schema.js');
    const schema = `dx_cas_old_${process.pid}`;
    schemas.push(schema);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    const s = `"${schema}"`;
    await client.query(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    for (const v of [1, 2, 3, 4]) await client.query(PG_MIGRATIONS[v].replaceAll('{{s}}', s));
    await client.query(`INSERT INTO ${s}.meta VALUES ('schema_version', '4')`);
    const old: HistoryEvent[] = [started(), ...llmPair(2, prose(6000, 14), 'answer')];
    await client.query(`INSERT INTO ${s}.instances (instance_id, name, status, execution_id, created_at, updated_at) VALUES ('old', 'flow', 'Running', 1, 1, 1)`);
    for (const e of old) await client.query(`INSERT INTO ${s}.history VALUES ('old', 1, $1, $2)`, [e.eventId, JSON.stringify(e)]);
    await client.end();

    const store = await initd(new PostgresStore({ connectionString: DATABASE_URL, schema, max: 2 }));
    expect(await store.readHistory('old')).toEqual(old);
    const next = llmPair(4, prose(7000, 14), 'fine');
    await turn(store, 'old', next);
    expect(await store.readHistory('old')).toEqual([...old, ...next]);
  });
});
