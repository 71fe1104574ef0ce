/**
 * LLM benchmark: the overhead of durable LLM calls, and the cost of replaying recorded ones.
 * - N sequential ctx.generate calls in one orchestration on SQLite vs N direct OpenAI SDK
 *   calls, both against the same loopback server that answers after 20 ms. The durable run
 *   ends when the commit that completes the orchestration returns (no polling delay).
 * - Replay of an orchestration with 1,000 recorded LLM operations (the replay engine alone).
 * - A real restart: a runtime records N answers and stops; a new runtime on the same file,
 *   with the provider configured, replays them and makes one new call. The loopback server
 *   counts what it is asked after the restart, once no work is left in the store.
 * Run: npm run bench:llm. Last line is machine-readable (RESULT ...).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { OpenAIProvider } from '../src/llm/openai-provider.js';
import type { OrchestrationContext } from '../src/runtime/context-api.js';
import type { HistoryEvent } from '../src/runtime/history.js';
import { jsonHash } from '../src/runtime/json-value.js';
import { Replayer } from '../src/runtime/replay-engine.js';
import { Runtime, silentLogger } from '../src/runtime/runtime.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { TurnCommit } from '../src/store/store.js';

const N = 50;
const LATENCY_MS = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(os.tmpdir(), 'duroxide-llm-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Every prompt the loopback model was sent, in order. */
const prompts: string[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () =>
    setTimeout(() => {
      prompts.push(String(JSON.parse(body).messages.at(-1).content));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          created: 1,
          model: 'bench',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      );
    }, LATENCY_MS),
  );
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A SQLite store that tells when a turn commit has finished an orchestration: no polling. */
class CompletionSignalStore extends SqliteStore {
  private finished: (() => void) | null = null;
  /** Resolves with performance.now() when the next terminal commit has returned. */
  nextCompletion(): Promise<number> {
    return new Promise((resolve) => (this.finished = () => resolve(performance.now())));
  }
  private seen(commit: TurnCommit): void {
    if (commit.instance.status !== 'Running' && commit.instance.status !== 'Pending') this.finished?.();
  }
  override async ackOrchestrationItem(...args: Parameters<SqliteStore['ackOrchestrationItem']>) {
    await super.ackOrchestrationItem(...args);
    this.seen(args[1]);
  }
  override async ackOrchestrationItemAndLockWork(...args: Parameters<SqliteStore['ackOrchestrationItemAndLockWork']>) {
    const locked = await super.ackOrchestrationItemAndLockWork(...args);
    this.seen(args[1]);
    return locked;
  }
}

async function direct(): Promise<number> {
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await client.chat.completions.create({ model: 'bench', messages: [{ role: 'user', content: `question ${i}` }] });
  return performance.now() - t0;
}

async function durable(run: number): Promise<number> {
  const store = new CompletionSignalStore({ path: join(dir, `llm-${run}.db`) });
  const runtime = new Runtime({ store, llm: new OpenAIProvider({ apiKey: 'bench', baseURL }), logger: silentLogger });
  runtime.registerOrchestration('chat', async (ctx: OrchestrationContext) => {
    for (let i = 0; i < N; i++) await ctx.generate(`question ${i}`);
    return 'done';
  });
  await runtime.start();
  const done = store.nextCompletion();
  const t0 = performance.now();
  const id = await runtime.client.startOrchestration('chat');
  const elapsed = (await done) - t0;
  if ((await runtime.client.getStatus(id))?.status !== 'Completed') throw new Error('the durable run did not complete');
  await runtime.shutdown({ closeStore: true });
  return elapsed;
}

/** Replays 1,000 recorded generate calls from scratch; returns µs per operation. */
async function replayCost(): Promise<number> {
  const ops = 1000;
  const options = {};
  const history: HistoryEvent[] = [{ kind: 'OrchestrationStarted', eventId: 1, timestampMs: 0, name: 'r', version: '1', input: null, executionId: 1 }];
  let id = 2;
  for (let i = 0; i < ops; i++) {
    const promptHash = jsonHash({ operation: 'generate', input: { prompt: `q${i}`, system: null }, options, attempt: 1 });
    const req = id++;
    history.push({ kind: 'LlmRequested', eventId: req, timestampMs: 0, operation: 'generate', promptHash, provider: 'default', options });
    history.push({ kind: 'LlmCompleted', eventId: id++, timestampMs: 0, sourceEventId: req, result: `a${i}`, tokensUsed: { input: 1, output: 1 }, model: 'm' });
  }
  const fn = async (ctx: OrchestrationContext) => {
    for (let i = 0; i < ops; i++) await ctx.generate(`q${i}`);
    return 'ok';
  };
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const replayer = await Replayer.start({ instanceId: 'r', fn, history: [...history], persistedCount: history.length, nowMs: 1 });
    const out = replayer.takeTurnOutput();
    times.push(performance.now() - t0);
    if (out.outcome?.kind !== 'completed') throw new Error(`replay failed: ${JSON.stringify(out.outcome)}`);
    if (out.workItems.length) throw new Error(`replay scheduled ${out.workItems.length} provider calls`);
  }
  return (median(times) * 1000) / ops;
}

/** What the model is asked after a restart of a runtime whose history holds N answers. */
async function restart(): Promise<{ replayed: number; fresh: number; ms: number }> {
  const path = join(dir, 'restart.db');
  const start = (store: SqliteStore) => {
    const runtime = new Runtime({ store, llm: new OpenAIProvider({ apiKey: 'bench', baseURL }), logger: silentLogger });
    runtime.registerOrchestration('chat-then-wait', async (ctx: OrchestrationContext) => {
      for (let i = 0; i < N; i++) await ctx.generate(`recorded ${i}`);
      await ctx.waitForEvent('go');
      return ctx.generate('after the restart');
    });
    return runtime;
  };
  const first = start(new SqliteStore({ path }));
  await first.start();
  const id = await first.client.startOrchestration('chat-then-wait');
  while ((await first.client.readHistory(id)).filter((e) => e.kind === 'ExternalSubscribed').length === 0) await new Promise((r) => setTimeout(r, 20));
  await first.shutdown({ closeStore: true });

  const asked = prompts.length;
  const store = new CompletionSignalStore({ path });
  const second = start(store);
  await second.start();
  const done = store.nextCompletion();
  const t0 = performance.now();
  await second.client.raiseEvent(id, 'go', null);
  const ms = (await done) - t0;
  // Settle: whatever the restart put in the queues (a re-requested answer would be there) is handled.
  const queues = new Database(path, { readonly: true });
  const pending = () => (queues.prepare('SELECT (SELECT count(*) FROM work_queue) + (SELECT count(*) FROM orchestrator_queue) AS n').get() as { n: number }).n;
  for (let i = 0; i < 250 && pending() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  queues.close();
  await second.shutdown({ closeStore: true });
  const after = prompts.slice(asked);
  return { replayed: after.filter((p) => p.startsWith('recorded ')).length, fresh: after.filter((p) => p === 'after the restart').length, ms };
}

const directTimes: number[] = [];
const durableTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  directTimes.push(await direct());
  durableTimes.push(await durable(run));
}
const usPerOp = await replayCost();
const restarted = await restart();
server.close();
if (restarted.fresh !== 1) throw new Error(`the restarted runtime should have made exactly one new call, made ${restarted.fresh}`);

const ratio = median(durableTimes) / median(directTimes);
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, node ${process.version}; server latency ${LATENCY_MS} ms, N = ${N}, ${RUNS} interleaved runs`);
console.table([
  { measure: `${N} direct SDK calls (ms, median)`, value: median(directTimes).toFixed(1), target: '' },
  { measure: `${N} ctx.generate calls on SQLite, until the completing commit (ms, median)`, value: median(durableTimes).toFixed(1), target: '' },
  { measure: 'overhead ratio (durable / direct)', value: ratio.toFixed(3), target: '<= 1.10' },
  { measure: 'replay cost per recorded LLM op, replay engine (µs)', value: usPerOp.toFixed(2), target: '< 20' },
  { measure: `after a restart: requests for the ${N} recorded answers`, value: String(restarted.replayed), target: '0' },
  { measure: 'after a restart: requests for the one new call', value: String(restarted.fresh), target: '1' },
  { measure: `after a restart: replay of ${N} answers + 1 new call (ms)`, value: restarted.ms.toFixed(1), target: '' },
]);
console.log(`RESULT llm_overhead_ratio=${ratio.toFixed(3)} llm_replay_us_per_op=${usPerOp.toFixed(2)} llm_restart_replayed_requests=${restarted.replayed} llm_restart_new_requests=${restarted.fresh}`);
