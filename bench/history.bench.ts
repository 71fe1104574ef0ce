/**
 * History-size benchmark: an agent loop whose transcript grows by 2 KB per iteration, prompts
 * recorded (`recordPrompts: true`), on SqliteStore (a file on disk), with the mock LLM.
 * Each iteration: ctx.generate(transcript) picks a tool, the tool activity returns an
 * observation, and the answer plus the observation (2,048 characters together) are appended.
 *
 * - bytes stored: the summed lengths of every column of the instance's `history` rows and of
 *   the `payloads` rows, read from the file after the run (`dbstat` page bytes shown too).
 * - unique content: what a store that keeps every character once would need: each event's
 *   JSON with its strings emptied (keys, numbers, framing), plus each string's characters
 *   that no earlier string of the history already holds as a prefix.
 * - turn time: from the call that fetches an orchestration item (history read included) to the
 *   end of its commit (replay from the execution cache, the orchestration code, encoding, the
 *   SQLite transaction), summed over the turns of an iteration (one when its tool activity runs
 *   inline, two when queued: after the answer, after the observation); medians over iterations
 *   1-10 and 91-100, each the median over RUNS runs (a warm-up run first).
 * Run: npm run bench:history. Last line is machine-readable (RESULT ...).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MockLlmProvider } from '../src/llm/mock-provider.js';
import type { OrchestrationContext } from '../src/runtime/context-api.js';
import type { HistoryEvent, Json } from '../src/runtime/history.js';
import { Runtime, silentLogger } from '../src/runtime/runtime.js';
import { SqliteStore, type SqliteStoreOptions } from '../src/store/sqlite-store.js';
import type { TurnCommit } from '../src/store/store.js';

const ITERATIONS = 100;
const GROWTH = 2048;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(os.tmpdir(), 'duroxide-history-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Deterministic text that does not repeat. */
function prose(chars: number, seed: number): string {
  const words = ['disk', 'full', 'retry', 'node', 'cpu', 'memory', 'service', 'restart', 'log', 'error', 'ok', 'latency', 'queue', 'pod'];
  let x = (Math.imul(seed + 1, 2654435761) ^ 0x5bd1e995) | 0 || 1;
  let out = '';
  while (out.length < chars) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += `${words[(x >>> 0) % words.length]}${(x >>> 8) % 97} `;
  }
  return out.slice(0, chars);
}

/** A SQLite store that times each orchestration turn: from the item handed out to its commit returning. */
class TimedStore extends SqliteStore {
  /** Each committed turn: how long it took, and whether it delivered an LLM answer (an iteration starts there). */
  readonly turns: { ms: number; answers: number }[] = [];
  private fetchedAt = 0;
  // The fetch counts: it is where a turn whose replayer is not cached reads (and verifies) its history.
  override async fetchOrchestrationItem(...args: Parameters<SqliteStore['fetchOrchestrationItem']>) {
    const start = performance.now();
    const item = await super.fetchOrchestrationItem(...args);
    if (item) this.fetchedAt = start;
    return item;
  }
  override async ackWorkItemAndLockInstance(...args: Parameters<SqliteStore['ackWorkItemAndLockInstance']>) {
    const start = performance.now();
    const item = await super.ackWorkItemAndLockInstance(...args);
    if (item) this.fetchedAt = start;
    return item;
  }
  override async ackOrchestrationItem(...args: Parameters<SqliteStore['ackOrchestrationItem']>) {
    await super.ackOrchestrationItem(...args);
    this.timed(args[1]);
  }
  override async ackOrchestrationItemAndLockWork(...args: Parameters<SqliteStore['ackOrchestrationItemAndLockWork']>) {
    const locked = await super.ackOrchestrationItemAndLockWork(...args);
    this.timed(args[1]);
    return locked;
  }
  private timed(commit: TurnCommit) {
    this.turns.push({ ms: performance.now() - this.fetchedAt, answers: commit.historyDelta.filter((e) => e.kind === 'LlmCompleted').length });
  }
}

interface RunResult {
  stored: number;
  pageBytes: number;
  unique: number;
  /** Event framing plus the final transcript once: an observation quoted in a later prompt counts once here. */
  distinct: number;
  plain: number;
  /** Per iteration: the summed duration of its turns (ms). */
  turnMs: number[];
}

async function run(name: string, opts: Pick<SqliteStoreOptions, 'payloadThresholdBytes'>): Promise<RunResult> {
  const path = join(dir, `${name}.db`);
  const store = new TimedStore({ path, ...opts, logger: { warn: () => {} } });
  const llm = new MockLlmProvider((_req, i) => `call tool inspect with {"target":"node-${i}","check":"${prose(100, 1000 + i)}"}`);
  const runtime = new Runtime({ store, llm, logger: silentLogger, recordPrompts: true });
  runtime.registerActivity('inspect', async (_ctx, input: { iteration: number; answer: string }) =>
    prose(GROWTH - input.answer.length - 2, 5000 + input.iteration),
  );
  runtime.registerOrchestration('agent', async (ctx: OrchestrationContext) => {
    let transcript = `You are an operations agent. Task: ${prose(GROWTH, 1)}\n`;
    for (let i = 0; i < ITERATIONS; i++) {
      const answer = await ctx.generate(transcript);
      const observation = await ctx.scheduleActivity<string>('inspect', { iteration: i, answer });
      transcript += `${answer}\n${observation}\n`;
    }
    return transcript.length;
  });
  await runtime.start();
  const id = await runtime.client.startOrchestration('agent', null, { instanceId: `agent-${name}` });
  const status = await runtime.client.waitForOrchestration(id, { timeoutMs: 600_000 });
  if (status?.status !== 'Completed') throw new Error(`the agent did not complete: ${JSON.stringify(status)}`);
  const history = await store.readHistory(id);
  await runtime.shutdown({ closeStore: true });

  const db = new Database(path, { readonly: true });
  const sum = (sql: string) => Number((db.prepare(sql).get() as { n: number | null }).n ?? 0);
  const stored =
    sum(`SELECT SUM(length(CAST(instance_id AS BLOB)) + 8 + 8 + length(CAST(event AS BLOB))) AS n FROM history`) +
    sum(`SELECT SUM(length(key) + COALESCE(length(prev), 0) + length(CAST(body AS BLOB))) AS n FROM payloads`);
  const pageBytes = sum(`SELECT SUM(pgsize) AS n FROM dbstat WHERE name IN ('history', 'payloads', 'sqlite_autoindex_payloads_1')`);
  db.close();
  // An iteration's turns: from the one that delivers its answer up to the next answer. With inline
  // activities that is one turn (the tool runs in it); queued, two (after the answer, after the observation).
  const turnMs: number[] = [];
  for (const t of store.turns) {
    if (t.answers > 0) turnMs.push(0);
    if (turnMs.length) turnMs[turnMs.length - 1] += t.ms;
  }
  const { unique, framing } = uniqueContent(history);
  const output = history.at(-1)?.kind === 'OrchestrationCompleted' ? Number((history.at(-1) as { output: Json }).output) : 0;
  return { stored, pageBytes, unique, distinct: framing + output, plain: history.reduce((n, e) => n + JSON.stringify(e).length, 0), turnMs };
}

/** Every character once: events with their strings emptied, plus the new part of each string. */
function uniqueContent(history: HistoryEvent[]): { unique: number; framing: number } {
  const seen: string[] = [];
  let total = 0;
  let framingTotal = 0;
  const strip = (v: Json): Json => {
    if (typeof v === 'string') {
      let known = 0;
      for (const p of seen) if (p.length > known && v.startsWith(p)) known = p.length;
      total += Buffer.byteLength(v.slice(known));
      if (v.length >= 64) seen.push(v);
      return '';
    }
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  for (const e of history) {
    const framing = JSON.stringify(strip(e as unknown as Json)).length;
    total += framing;
    framingTotal += framing;
  }
  return { unique: total, framing: framingTotal };
}

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(`machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()}`);
console.log(`workload: ${ITERATIONS} iterations (ctx.generate + one tool activity), transcript +${GROWTH} chars each, recordPrompts on, SqliteStore file\n`);

await run('warmup', {});
const addressed: RunResult[] = [];
for (let r = 0; r < RUNS; r++) addressed.push(await run(`run${r}`, {}));
const inline = await run('inline', { payloadThresholdBytes: Infinity });

const window = (res: RunResult[], from: number, to: number) => median(res.map((x) => median(x.turnMs.slice(from, to))));
const first = window(addressed, 0, 10);
const last = window(addressed, ITERATIONS - 10, ITERATIONS);
const a = addressed[0];
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const rows: [string, string, string][] = [
  ['plain history (what replay loads)', kb(a.plain), ''],
  ['unique content', kb(a.unique), ''],
  ['distinct text (transcript once + framing)', kb(a.distinct), ''],
  ['stored, content-addressed (rows)', kb(a.stored), `${(a.stored / a.unique).toFixed(2)}x unique, ${(a.stored / a.distinct).toFixed(2)}x distinct`],
  ['stored, content-addressed (dbstat pages)', kb(a.pageBytes), `${(a.pageBytes / a.unique).toFixed(2)}x unique`],
  ['stored, everything inline (rows)', kb(inline.stored), `${(inline.stored / inline.unique).toFixed(2)}x unique`],
  ['turn time, iterations 1-10 (median)', `${first.toFixed(2)} ms`, ''],
  ['turn time, iterations 91-100 (median)', `${last.toFixed(2)} ms`, `${(last / first).toFixed(2)}x`],
  ['turn time inline, 91-100 vs 1-10', `${median(inline.turnMs.slice(90)).toFixed(2)} ms`, `${(median(inline.turnMs.slice(90)) / median(inline.turnMs.slice(0, 10))).toFixed(2)}x`],
];
for (const [k, v, note] of rows) console.log(`${k.padEnd(42)} ${v.padStart(12)}  ${note}`);
console.log(`\nper run: bytes ratio ${addressed.map((x) => (x.stored / x.unique).toFixed(3)).join(', ')}; turn ratio ${addressed.map((x) => (median(x.turnMs.slice(90)) / median(x.turnMs.slice(0, 10))).toFixed(2)).join(', ')}`);
console.log(`RESULT history_bytes_ratio=${(median(addressed.map((x) => x.stored / x.unique))).toFixed(3)} history_turn_ratio=${(last / first).toFixed(2)}`);
