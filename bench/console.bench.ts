/**
 * bench:console — the console against a SQLite store with 100,000 instances and one instance
 * with 10,000 history events. Prints the API's median time for the first page of the list and
 * for that instance with its overlay, the time Chromium takes to render the instance page, and
 * the delay from an event recorded to the page updated (live updates over SSE).
 * Targets: list ≤ 100 ms, instance ≤ 200 ms, render ≤ 1 s, live ≤ 500 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startConsole } from '../src/console/console-server.js';
import { extractFromSource, recordDiagrams } from '../src/console/diagram-records.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/diagram/browser-render.js';
import { Runtime, silentLogger } from '../src/runtime/runtime.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { registerConsoleFlows } from '../test/console/fixtures/console-flows.js';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 100_000);
const BIG_EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const FLOWS = join(import.meta.dirname, '..', 'test', 'console', 'fixtures');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function populate(path: string, resizeSite: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const names = ['OrderFlow', 'FanOut', 'Ticker', 'ExpenseApproval', 'RaceFlow'];
  const statuses = ['Completed', 'Completed', 'Completed', 'Running', 'Failed'];
  const now = Date.now() - INSTANCES * 10 - 60_000;
  const inst = db.prepare(
    `INSERT INTO instances (instance_id, name, version, status, execution_id, output, error, custom_status, parent_instance_id, created_at, updated_at) VALUES (?, ?, '1.0.0', ?, 1, ?, ?, NULL, NULL, ?, ?)`,
  );
  const hist = db.prepare(`INSERT INTO history (instance_id, execution_id, event_id, event) VALUES (?, 1, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < INSTANCES; i++) {
      const id = `bench-${String(i).padStart(6, '0')}`;
      const status = statuses[i % statuses.length];
      const t = now + i * 10;
      inst.run(id, names[i % names.length], status, status === 'Completed' ? '"ok"' : null, status === 'Failed' ? '{"name":"Error","message":"boom"}' : null, t, t + 5);
      hist.run(id, 1, JSON.stringify({ kind: 'OrchestrationStarted', eventId: 1, timestampMs: t, name: names[i % names.length], version: '1.0.0', input: i, executionId: 1 }));
      if (status !== 'Running') hist.run(id, 2, JSON.stringify({ kind: status === 'Completed' ? 'OrchestrationCompleted' : 'OrchestrationFailed', eventId: 2, timestampMs: t + 5, ...(status === 'Completed' ? { output: 'ok' } : { error: { name: 'Error', message: 'boom' } }) }));
    }
    // One FanOut instance with BIG_EVENTS events: resize scheduled and completed, one per image.
    const t = Date.now() - 30_000;
    const pairs = Math.floor((BIG_EVENTS - 2) / 2);
    inst.run('big-fan-out', 'FanOut', 'Running', null, null, t, Date.now() - 1000);
    hist.run('big-fan-out', 1, JSON.stringify({ kind: 'OrchestrationStarted', eventId: 1, timestampMs: t, name: 'FanOut', version: '1.0.0', input: pairs, executionId: 1 }));
    let e = 2;
    for (let i = 0; i < pairs; i++) hist.run('big-fan-out', e, JSON.stringify({ kind: 'ActivityScheduled', eventId: e++, timestampMs: t, name: 'resize', input: `img-${i}.png`, inputHash: 'h', site: resizeSite }));
    for (let i = 0; i < pairs; i++) hist.run('big-fan-out', e, JSON.stringify({ kind: 'ActivityCompleted', eventId: e++, timestampMs: t + 10 + i, sourceEventId: 2 + i, result: `img-${i}@2x.png` }));
    hist.run('big-fan-out', e, JSON.stringify({ kind: 'ActivityScheduled', eventId: e, timestampMs: t + 20_000, name: 'notify', input: 'done', inputHash: 'h' }));
  })();
  db.close();
}

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-console-'));
  const path = join(dir, 'duroxide.db');
  const store = new SqliteStore({ path });
  await store.init();
  const flows = extractFromSource(FLOWS).flows;
  await recordDiagrams(store, { orchestrations: flows });
  const fan = flows.find((f) => f.name === 'FanOut')!;
  const resize = fan.graph.nodes.find((n) => n.name === 'resize')!;
  const started = performance.now();
  populate(path, `${fan.file}:${resize.line}:40`);
  console.log(`populated ${INSTANCES} instances and one with ${BIG_EVENTS} events in ${Math.round(performance.now() - started)} ms`);

  const runtime = new Runtime({ store, logger: silentLogger, idlePollMs: 10 });
  registerConsoleFlows(runtime);
  await runtime.start();
  const consoleStore = new SqliteStore({ path });
  const running = await startConsole({ store: consoleStore, port: 0 });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const api = (p: string) => fetch(new URL(`api/${p}`, running.url)).then(async (r) => {
      if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
      return r.json() as Promise<{ total?: number; overlay?: unknown }>;
    });
    let t = performance.now();
    const first = await api('instances?limit=50');
    const coldListMs = performance.now() - t;
    if ((first.total ?? 0) < INSTANCES) throw new Error(`list total ${first.total}`);
    const listMs = await timed(() => api('instances?limit=50'), 20);
    const filteredMs = await timed(() => api('instances?limit=50&status=Failed&name=RaceFlow'), 10);
    t = performance.now();
    const big = await api('instances/big-fan-out');
    const coldInstanceMs = performance.now() - t;
    if (!big.overlay) throw new Error('no overlay for the big instance');
    const instanceMs = await timed(() => api('instances/big-fan-out'), 10);
    console.log(`list page ${listMs.toFixed(1)} ms (first, cold: ${coldListMs.toFixed(1)} ms; filtered ${filteredMs.toFixed(1)} ms) · instance with overlay ${instanceMs.toFixed(1)} ms (first: ${coldInstanceMs.toFixed(1)} ms)`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(running.url);
    await page.waitForSelector('tr[data-instance]');
    const renders: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${running.url}#/`);
      await page.waitForSelector('tr[data-instance]');
      const t = performance.now();
      await page.goto(`${running.url}#/instances/big-fan-out`);
      await page.waitForFunction(() => document.querySelector('[data-testid=diagram][data-ready=true][data-for="big-fan-out"] g.node[data-state=done]') !== null, null, { timeout: 30_000 });
      renders.push(performance.now() - t);
    }
    const renderMs = median(renders);
    console.log(`render instance page ${renderMs.toFixed(0)} ms (runs: ${renders.map((r) => r.toFixed(0)).join(', ')})`);

    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await runtime.client.startOrchestration('ExpenseApproval', { amount: i }, { instanceId: `live-${i}` });
      for (let k = 0; k < 500 && !(await store.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'); k++) await new Promise((r) => setTimeout(r, 10));
      await page.goto(`${running.url}#/instances/${id}`);
      await page.waitForSelector(`.instance[data-status=Running]`);
      await page.evaluate(() => {
        const w = window as { __seenAt?: number };
        delete w.__seenAt;
        new MutationObserver((_m, obs) => {
          if (document.querySelector('.instance[data-status=Completed]')) {
            w.__seenAt = performance.timeOrigin + performance.now();
            obs.disconnect();
          }
        }).observe(document.body, { subtree: true, attributes: true, childList: true });
      });
      await runtime.client.raiseEvent(id, 'managerDecision', { approved: true });
      const done = await runtime.client.waitForOrchestration(id);
      await page.waitForFunction(() => (window as { __seenAt?: number }).__seenAt !== undefined, null, { timeout: 10_000 });
      const seenAt = await page.evaluate(() => (window as { __seenAt?: number }).__seenAt!);
      delays.push(seenAt - done.updatedAtMs);
    }
    const liveMs = median(delays);
    console.log(`live update ${liveMs.toFixed(0)} ms (runs: ${delays.map((d) => d.toFixed(0)).join(', ')})`);
    const ok = listMs <= 100 && instanceMs <= 200 && renderMs <= 1000 && liveMs <= 500;
    console.log(ok ? 'all targets met (list ≤ 100 ms, instance ≤ 200 ms, render ≤ 1 s, live ≤ 500 ms)' : 'TARGET MISSED (list ≤ 100 ms, instance ≤ 200 ms, render ≤ 1 s, live ≤ 500 ms)');
    console.log(`RESULT console_list_ms=${listMs.toFixed(1)} console_instance_ms=${instanceMs.toFixed(1)} console_render_ms=${renderMs.toFixed(0)} console_live_ms=${liveMs.toFixed(0)}`);
  } finally {
    await browser.close();
    await running.close();
    await runtime.shutdown({ closeStore: true });
    await consoleStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
