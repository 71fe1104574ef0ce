/**
 * Runtime benchmark: replay cost, activity throughput on MemoryStore and SqliteStore beside
 * what SQLite itself allows (a minimal better-sqlite3 loop), CPU time per activity, and the
 * per-turn cost at short and long histories with and without the execution cache.
 * Run: npm run bench:runtime. Last line is machine-readable (RESULT ...).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { OrchestrationContext } from '../src/runtime/context-api.js';
import type { HistoryEvent } from '../src/runtime/history.js';
import { jsonHash } from '../src/runtime/json-value.js';
import { Replayer } from '../src/runtime/replay-engine.js';
import { Runtime, silentLogger } from '../src/runtime/runtime.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';

const dir = mkdtempSync(join(os.tmpdir(), 'duroxide-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A 10,000-event history: OrchestrationStarted plus 4,999 scheduled+completed activities. */
function longHistory(activities: number): HistoryEvent[] {
  const h: HistoryEvent[] = [{ kind: 'OrchestrationStarted', eventId: 1, timestampMs: 0, name: 'long', version: '1', input: null, executionId: 1 }];
  let id = 2;
  for (let i = 0; i < activities; i++) {
    const sched = id++;
    h.push({ kind: 'ActivityScheduled', eventId: sched, timestampMs: 0, name: 'a', input: i, inputHash: '' });
    h.push({ kind: 'ActivityCompleted', eventId: id++, timestampMs: 0, sourceEventId: sched, result: i });
  }
  return h;
}

async function benchReplay(): Promise<number> {
  const activities = 4999;
  const template = longHistory(activities);
  // Fill in the real input hashes so the replay matches.
  for (const e of template) if (e.kind === 'ActivityScheduled') e.inputHash = jsonHash(e.input);
  const fn = async (ctx: OrchestrationContext) => {
    let sum = 0;
    for (let i = 0; i < activities; i++) sum += await ctx.scheduleActivity<number>('a', i);
    return sum;
  };
  const times: number[] = [];
  // Two warm-up runs (the JIT compiles the replay path), then seven measured.
  for (let run = -2; run < 7; run++) {
    const t0 = performance.now();
    const r = await Replayer.start({ instanceId: 'r', fn, history: [...template], persistedCount: template.length, nowMs: 1 });
    const out = r.takeTurnOutput();
    if (run >= 0) times.push(performance.now() - t0);
    if (out.outcome?.kind !== 'completed') throw new Error(`replay did not complete: ${JSON.stringify(out.outcome)}`);
  }
  return median(times);
}

async function throughput(store: Store, orchestrations: number, activitiesEach: number) {
  const runtime = new Runtime({ store, logger: silentLogger });
  runtime.registerActivity('noop', async (_c, i: number) => i);
  runtime.registerOrchestration('ten', async (ctx) => {
    let sum = 0;
    for (let i = 0; i < activitiesEach; i++) sum += await ctx.scheduleActivity<number>('noop', i);
    return sum;
  });
  await runtime.start();
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: orchestrations }, () => runtime.client.startOrchestration('ten')));
  for (const id of ids) await runtime.client.waitForOrchestration(id, { timeoutMs: 300_000 });
  const seconds = (performance.now() - t0) / 1000;
  await runtime.shutdown({ closeStore: true });
  return { activitiesPerS: (orchestrations * activitiesEach) / seconds, orchestrationsPerS: orchestrations / seconds };
}

/**
 * What SQLite allows on this machine: the durable writes of one activity done by the smallest
 * loop that could do them, one transaction per activity appending a history row (the event's
 * JSON) and a queue row (the next message), with the store's journal settings (WAL,
 * synchronous=NORMAL) and its table shapes. Activities per second of one round on a fresh file.
 */
function sqliteReference(round: number, activities: number): number {
  const db = new Database(join(dir, `reference-${round}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE history (instance_id TEXT NOT NULL, execution_id INTEGER NOT NULL, event_id INTEGER NOT NULL, event TEXT NOT NULL,
             PRIMARY KEY (instance_id, execution_id, event_id)) WITHOUT ROWID;
           CREATE TABLE queue (id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, message TEXT NOT NULL, visible_at INTEGER NOT NULL);
           CREATE INDEX queue_visible ON queue(visible_at, id);`);
  const history = db.prepare('INSERT INTO history VALUES (?, 1, ?, ?)');
  const queue = db.prepare('INSERT INTO queue (instance_id, message, visible_at) VALUES (?, ?, ?)');
  const step = db.transaction((instanceId: string, eventId: number) => {
    history.run(instanceId, eventId, JSON.stringify({ kind: 'ActivityCompleted', eventId, timestampMs: Date.now(), sourceEventId: eventId - 1, result: eventId }));
    queue.run(instanceId, JSON.stringify({ kind: 'ActivityCompleted', instanceId, executionId: 1, sourceEventId: eventId, result: eventId }), Date.now());
  });
  const t0 = performance.now();
  for (let i = 0; i < activities; i++) step(`ref-${i % 200}`, Math.floor(i / 200) + 1);
  const perS = activities / ((performance.now() - t0) / 1000);
  db.close();
  return perS;
}

/**
 * CPU time (user + system, process.cpuUsage) per activity on MemoryStore, for 300
 * orchestrations of 10 activities: far less noisy than wall time on a shared machine.
 * `clocked` also reads the clock and rolls dice every step (so the determinism guard works).
 */
async function cpuMicrosPerActivity(opts: { determinism?: 'guard' | 'off'; clocked?: boolean } = {}): Promise<number> {
  const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger, ...(opts.determinism ? { determinism: opts.determinism } : {}) });
  runtime.registerActivity('noop', async (_c, i: number) => i);
  runtime.registerOrchestration('ten', async (ctx) => {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (await ctx.scheduleActivity<number>('noop', i)) + (opts.clocked && Date.now() > 0 ? Math.random() : 0);
    return sum;
  });
  await runtime.start();
  const c0 = process.cpuUsage();
  const ids = await Promise.all(Array.from({ length: 300 }, () => runtime.client.startOrchestration('ten')));
  for (const id of ids) await runtime.client.waitForOrchestration(id, { timeoutMs: 300_000 });
  const c = process.cpuUsage(c0);
  await runtime.shutdown();
  return (c.user + c.system) / 3000;
}

/** CPU per activity with the defaults: two warm-up rounds, then the median of `rounds`. */
async function cpuPerActivity(rounds: number): Promise<{ median: number; min: number; max: number }> {
  const samples: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    const us = await cpuMicrosPerActivity();
    if (r >= 2) samples.push(us);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

/** Turns per second early in a history and after ~1,000 events, with the cache on or off. */
async function turnCost(cache: boolean) {
  const store = new SqliteStore({ path: join(dir, `turns-${cache}.db`) });
  // Queued activities only: each activity is then its own turn, which is what this measures.
  const runtime = new Runtime({ store, logger: silentLogger, executionCache: cache, inlineActivityMs: 0 });
  runtime.registerActivity('noop', async () => null);
  runtime.registerOrchestration('long', async (ctx) => {
    for (let i = 0; i < 560; i++) await ctx.scheduleActivity('noop', i);
  });
  await runtime.start();
  const id = await runtime.client.startOrchestration('long');
  await runtime.client.waitForOrchestration(id, { timeoutMs: 600_000 });
  const history = await runtime.client.readHistory(id);
  await runtime.shutdown({ closeStore: true });
  // Each activity is one turn; its ActivityCompleted timestamp marks when that turn ran.
  const done = history.filter((e) => e.kind === 'ActivityCompleted').map((e) => e.timestampMs);
  const rate = (from: number, to: number) => ((to - from) * 1000) / Math.max(1, done[to] - done[from]);
  return { at10: rate(5, 55), at1000: rate(500, 555) };
}

/**
 * CPU time per activity on MemoryStore with the determinism guard on and off, for an
 * orchestration that reads the clock and rolls dice every step (so the guard is exercised).
 * Interleaved rounds; the median of each.
 */
async function guardCost(rounds: number): Promise<{ guard: number; off: number }> {
  const run = (determinism: 'guard' | 'off') => cpuMicrosPerActivity({ determinism, clocked: true });
  const guard: number[] = [];
  const off: number[] = [];
  for (let r = 0; r < rounds; r++) {
    off.push(await run('off'));
    guard.push(await run('guard'));
  }
  return { guard: median(guard), off: median(off) };
}

// CPU per activity first, in a fresh process: garbage and JIT state of the other runs stay out of it.
const cpu = await cpuPerActivity(7);
const replayMs = await benchReplay();
const guard = await guardCost(5);
const mem = await throughput(new MemoryStore(), 200, 10);
// SqliteStore and the reference in turns, five rounds each on fresh files, best of each: both
// see the same moments of a noisy machine and the same statistic.
const sqlRounds: { activitiesPerS: number; orchestrationsPerS: number }[] = [];
const referenceRounds: number[] = [];
for (let round = 0; round < 5; round++) {
  sqlRounds.push(await throughput(new SqliteStore({ path: join(dir, `throughput-${round}.db`) }), 200, 10));
  referenceRounds.push(sqliteReference(round, 5000));
}
const sql = sqlRounds.reduce((a, b) => (b.activitiesPerS > a.activitiesPerS ? b : a));
const reference = Math.max(...referenceRounds);
const roundRatios = sqlRounds.map((r, i) => r.activitiesPerS / referenceRounds[i]);
const cached = await turnCost(true);
const uncached = await turnCost(false);

const cpuModel = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(`machine: ${cpuModel}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()}`);
console.table([
  { measure: 'replay of a 10,000-event history (ms, median of 7 after 2 warm-ups)', value: replayMs.toFixed(1), target: '< 50' },
  { measure: 'MemoryStore activities/s (200 orchestrations x 10)', value: mem.activitiesPerS.toFixed(0), target: '' },
  { measure: 'SqliteStore activities/s (200 orchestrations x 10, best of 5)', value: sql.activitiesPerS.toFixed(0), target: '>= 1500' },
  { measure: 'SqliteStore orchestrations/s', value: sql.orchestrationsPerS.toFixed(1), target: '' },
  { measure: 'reference: minimal better-sqlite3 loop, activities/s (1 tx each, best of 5)', value: reference.toFixed(0), target: '' },
  { measure: 'sqlite_limit_ratio: SqliteStore / reference (best / best)', value: (sql.activitiesPerS / reference).toFixed(3), target: '>= 0.5' },
  { measure: 'sqlite_limit_ratio per round (min-max)', value: `${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)}`, target: '' },
  { measure: 'CPU µs/activity, MemoryStore (median of 7; min-max)', value: `${cpu.median.toFixed(0)} (${cpu.min.toFixed(0)}-${cpu.max.toFixed(0)})`, target: '' },
  { measure: 'turns/s at ~10 prior events, cache on', value: cached.at10.toFixed(0), target: '' },
  { measure: 'turns/s at ~1,000 prior events, cache on', value: cached.at1000.toFixed(0), target: 'same as at 10' },
  { measure: 'turns/s at ~10 prior events, cache off', value: uncached.at10.toFixed(0), target: '' },
  { measure: 'turns/s at ~1,000 prior events, cache off', value: uncached.at1000.toFixed(0), target: '(replays grow)' },
  { measure: 'CPU µs/activity, determinism off (median of 5)', value: guard.off.toFixed(0), target: '' },
  { measure: 'CPU µs/activity, determinism guard (median of 5)', value: guard.guard.toFixed(0), target: '<= 1.05x off' },
]);
console.log(
  `RESULT replay_10k_ms=${replayMs.toFixed(1)} memory_activities_per_s=${mem.activitiesPerS.toFixed(0)} ` +
    `sqlite_activities_per_s=${sql.activitiesPerS.toFixed(0)} sqlite_orchestrations_per_s=${sql.orchestrationsPerS.toFixed(1)} ` +
    `determinism_guard_ratio=${(guard.guard / guard.off).toFixed(3)} sqlite_limit_ratio=${(sql.activitiesPerS / reference).toFixed(3)} ` +
    `cpu_us_per_activity=${cpu.median.toFixed(0)}`,
);
