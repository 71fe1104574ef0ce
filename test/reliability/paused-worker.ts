/**
 * A runtime process for the pause tests:
 *   node --import tsx paused-worker.ts <store> <effects> <llmURL> <mode>
 * <store> is `sqlite:<path>` or `postgres:<schema>`. Activities append `<pid>|<instance>|<step>`
 * to <effects>; LLM calls go to the loopback server at <llmURL>. DUROXIDE_PAUSE_AT freezes
 * the process at a named point. Exits 0 once every instance has finished.
 */
import { appendFileSync } from 'node:fs';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { TERMINAL_STATUSES, type Store } from '../../src/store/store.js';

const [storeSpec, effectsPath, llmURL, mode] = process.argv.slice(2);
const [kind, where] = [storeSpec.slice(0, storeSpec.indexOf(':')), storeSpec.slice(storeSpec.indexOf(':') + 1)];
const store: Store =
  kind === 'sqlite' ? new SqliteStore({ path: where }) : new PostgresStore({ connectionString: process.env.DATABASE_URL, schema: where, max: 2 });
const runtime = new Runtime({
  store,
  logger: silentLogger,
  lockMs: 1500, // long enough that a loaded CI machine does not lose leases by itself; the test freezes past it
  idlePollMs: 10,
  llm: new OpenAIProvider({ apiKey: 'sk-pause-test', baseURL: llmURL, model: 'gpt-test' }),
  llmReliability: { maxAttempts: 1 },
  // Queued activities unless a test asks for inline ones (INLINE_ACTIVITY_MS).
  inlineActivityMs: Number(process.env.INLINE_ACTIVITY_MS ?? 0),
});

runtime.registerActivity('effect', async (actx, step: number) => {
  appendFileSync(effectsPath, `${process.pid}|${actx.instanceId}|${step}\n`);
  return step;
});
// Freezes itself mid-run the first time (env PAUSE_IN_ACTIVITY), then reports what its signal said.
runtime.registerActivity('long', async (actx) => {
  appendFileSync(effectsPath, `${process.pid}|${actx.instanceId}|long-start\n`);
  if (process.env.PAUSE_IN_ACTIVITY && actx.attempt === 1) process.kill(process.pid, 'SIGSTOP');
  await new Promise((r) => setTimeout(r, 400)); // the lease keeper notices the loss meanwhile
  appendFileSync(effectsPath, `${process.pid}|${actx.instanceId}|long-end|aborted=${actx.signal.aborted}\n`);
  return process.pid;
});
runtime.registerOrchestration('chain', async (ctx) => {
  let sum = 0;
  for (let step = 0; step < 3; step++) sum += await ctx.scheduleActivity<number>('effect', step);
  return sum;
});
runtime.registerOrchestration('asks', async (ctx) => [await ctx.generate('first question'), await ctx.generate('second question')]);
runtime.registerOrchestration('long-one', async (ctx) => ctx.scheduleActivity<number>('long'));

await runtime.start();
if (mode.startsWith('start:')) {
  const [, name, count] = mode.split(':');
  for (let i = 0; i < Number(count); i++) await runtime.client.startOrchestration(name, null, { instanceId: `${name}-${i}` });
}
for (;;) {
  const all = await runtime.client.listInstances();
  if (all.length && all.every((i) => TERMINAL_STATUSES.has(i.status))) break;
  await new Promise((r) => setTimeout(r, 20));
}
await runtime.shutdown({ closeStore: true });
process.exit(0);
