/**
 * LLM benchmark: the overhead of durable LLM calls, and the cost of replaying recorded ones.
 * - N sequential ctx.generate calls in one orchestration on SQLite vs N direct OpenAI SDK
 *   calls, both against the same loopback server that answers after 20 ms.
 * - Replay of an orchestration with 1,000 recorded LLM operations (no provider calls).
 * Run: npm run bench:llm. Last line is machine-readable (RESULT ...).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { OpenAIProvider } from '../src/llm/openai-provider.js';
import type { OrchestrationContext } from '../src/runtime/context-api.js';
import type { HistoryEvent } from '../src/runtime/history.js';
import { jsonHash } from '../src/runtime/json-value.js';
import { Replayer } from '../src/runtime/replay-engine.js';
import { Runtime, silentLogger } from '../src/runtime/runtime.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

const N = 50;
const LATENCY_MS = 20;
const dir = mkdtempSync(join(os.tmpdir(), 'duroxide-llm-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

let served = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    setTimeout(() => {
      served++;
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

async function direct(): Promise<number> {
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await client.chat.completions.create({ model: 'bench', messages: [{ role: 'user', content: `question ${i}` }] });
  return performance.now() - t0;
}

async function durable(run: number): Promise<number> {
  const runtime = new Runtime({ store: new SqliteStore({ path: join(dir, `llm-${run}.db`) }), llm: new OpenAIProvider({ apiKey: 'bench', baseURL }), logger: silentLogger });
  runtime.registerOrchestration('chat', async (ctx: OrchestrationContext) => {
    for (let i = 0; i < N; i++) await ctx.generate(`question ${i}`);
    return 'done';
  });
  await runtime.start();
  const t0 = performance.now();
  const id = await runtime.client.startOrchestration('chat');
  await runtime.client.waitForOrchestration(id, { timeoutMs: 120_000 });
  const elapsed = performance.now() - t0;
  await runtime.shutdown({ closeStore: true });
  return elapsed;
}

/** Replays 1,000 recorded generate calls from scratch; returns µs per operation. */
async function replayCost(): Promise<{ usPerOp: number; providerCalls: number }> {
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
  const before = served;
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
  }
  return { usPerOp: (median(times) * 1000) / ops, providerCalls: served - before };
}

const directTimes: number[] = [];
const durableTimes: number[] = [];
for (let run = 0; run < 5; run++) {
  directTimes.push(await direct());
  durableTimes.push(await durable(run));
}
const replay = await replayCost();
server.close();

const ratio = median(durableTimes) / median(directTimes);
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, node ${process.version}; server latency ${LATENCY_MS} ms, N = ${N}, 5 interleaved runs`);
console.table([
  { measure: `${N} direct SDK calls (ms, median)`, value: median(directTimes).toFixed(1), target: '' },
  { measure: `${N} ctx.generate calls on SQLite (ms, median)`, value: median(durableTimes).toFixed(1), target: '' },
  { measure: 'overhead ratio (durable / direct)', value: ratio.toFixed(3), target: '<= 1.10' },
  { measure: 'replay cost per recorded LLM op (µs)', value: replay.usPerOp.toFixed(2), target: '< 20' },
  { measure: 'provider calls during replay', value: String(replay.providerCalls), target: '0' },
]);
console.log(`RESULT llm_overhead_ratio=${ratio.toFixed(3)} llm_replay_us_per_op=${replay.usPerOp.toFixed(2)}`);
