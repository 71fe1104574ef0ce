/**
 * The instance view warns about a large history: a crawler that keeps 4 KB pages in its
 * history, on a SQLite file, seen by a console over a second connection. The size is what
 * replay loads (plain JSON), the same figure the store counts for its own warning log.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCommand } from '../../src/cli/console-command.js';
import { ConsoleApi } from '../../src/console/console-api.js';
import type { OrchestrationContext } from '../../src/runtime/context-api.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

let dir: string;
let db: string;
let runtime: Runtime;
const consoles: ConsoleApi[] = [];

/** A console on its own connection to the file, as another process would open it. */
async function consoleOn(historyWarningBytes?: number): Promise<ConsoleApi> {
  const api = new ConsoleApi(new SqliteStore({ path: db }), historyWarningBytes === undefined ? {} : { historyWarningBytes });
  await api.init();
  consoles.push(api);
  return api;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-history-size-'));
  db = join(dir, 'duroxide.db');
  runtime = new Runtime({ store: new SqliteStore({ path: db, logger: { warn: () => {} } }), logger: silentLogger, idlePollMs: 10 });
  runtime.registerActivity('fetchPage', async (_c, i: number) => `${'page text '.repeat(400)}#${i}`);
  runtime.registerOrchestration('Crawler', async (ctx: OrchestrationContext, job: { pages: number; thenContinue: boolean }) => {
    for (let i = 0; i < job.pages; i++) await ctx.scheduleActivity('fetchPage', i);
    if (job.thenContinue) return ctx.continueAsNew({ pages: 1, thenContinue: false });
    return 'crawled';
  });
  await runtime.start();
  for (const [id, job] of [
    ['crawl-big', { pages: 10, thenContinue: false }],
    ['crawl-continued', { pages: 10, thenContinue: true }],
  ] as const) {
    await runtime.client.startOrchestration('Crawler', job, { instanceId: id });
    await runtime.client.waitForOrchestration(id, { timeoutMs: 20_000 });
  }
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown({ closeStore: true });
  for (const api of consoles) await api.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history size in the instance view', () => {
  it('an instance over the threshold carries its size and a warning with what to do', async () => {
    const d = await (await consoleOn(20_000)).instance('crawl-big');
    expect(d.historySize.bytes).toBeGreaterThan(40_000); // ten 4 KB pages, in their completions
    expect(d.historySize).toMatchObject({ executionId: 1, thresholdBytes: 20_000 });
    expect(d.historySize.warning?.message).toMatch(/^History 4\d\.\d KB \(execution 1\), over the 20\.0 KB warning threshold/);
    expect(d.historySize.warning?.hint).toContain('ctx.continueAsNew(state)');
    expect(d.historySize.warning?.hint).toContain('outside the history');
  });

  it('is the size the store counted for its own warning, though far less is stored', async () => {
    const d = await (await consoleOn(20_000)).instance('crawl-big');
    const file = new Database(db, { readonly: true });
    try {
      const row = file.prepare('SELECT history_bytes FROM instances WHERE instance_id = ?').get('crawl-big') as { history_bytes: number };
      expect(d.historySize.bytes).toBe(row.history_bytes);
    } finally {
      file.close();
    }
  });

  it('under the threshold (the default 10 MB) there is no warning', async () => {
    const d = await (await consoleOn()).instance('crawl-big');
    expect(d.historySize).toMatchObject({ thresholdBytes: 10_000_000, warning: null });
    expect(d.historySize.bytes).toBeGreaterThan(40_000);
  });

  it('counts the current execution only: after continueAsNew the big one is behind it', async () => {
    const api = await consoleOn(20_000);
    const d = await api.instance('crawl-continued');
    expect(d.executions.map((e) => e.outcome)).toEqual(['continued', 'completed']);
    expect(d.historySize).toMatchObject({ executionId: 2, warning: null });
    expect(d.historySize.bytes).toBeLessThan(20_000);
    // Looking at the old execution does not make its size the instance's.
    expect((await api.instance('crawl-continued', { executionId: 1 })).historySize).toMatchObject({ executionId: 2, warning: null });
  });

  it('duroxide-llm console --history-warning-bytes sets the threshold of the instance view', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let printed = '';
    out.on('data', (c: Buffer) => (printed += c.toString()));
    let stop!: () => void;
    const done = consoleCommand(['--store', `sqlite:${db}`, '--port', '0', '--history-warning-bytes', '20000'], out, err, new Promise<void>((r) => (stop = r)));
    try {
      await expect.poll(() => /http:\/\/\S+/.exec(printed)?.[0], { timeout: 10_000 }).toBeTruthy();
      const res = await fetch(new URL('api/instances/crawl-big', /http:\/\/\S+/.exec(printed)![0]));
      const d = (await res.json()) as { historySize: { thresholdBytes: number; warning: { message: string } | null } };
      expect(d.historySize.thresholdBytes).toBe(20_000);
      expect(d.historySize.warning?.message).toContain('over the 20.0 KB warning threshold');
    } finally {
      stop();
    }
    expect(await done).toBe(0);
    expect(await consoleCommand(['--history-warning-bytes', '10MB'], out, err, Promise.resolve())).toBe(2);
  });
});
