/**
 * A runtime process for crash tests: `node --import tsx crash-worker.ts <db> <effects> <mode>`.
 * Activities append a line to <effects> (a side effect we can count); DUROXIDE_KILL_AT makes
 * the runtime SIGKILL itself at a named point. Exits 0 once every instance has finished.
 */
import { appendFileSync } from 'node:fs';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { TERMINAL_STATUSES } from '../../src/store/store.js';

const [dbPath, effectsPath, mode] = process.argv.slice(2);
const store = new SqliteStore({ path: dbPath });
// Queued activities unless a test asks for inline ones (INLINE_ACTIVITY_MS).
const inlineActivityMs = Number(process.env.INLINE_ACTIVITY_MS ?? 0);
const runtime = new Runtime({ store, logger: silentLogger, lockMs: 300, idlePollMs: 10, maxAttempts: 3, inlineActivityMs });

runtime.registerActivity('effect', async (actx, step: number) => {
  appendFileSync(effectsPath, `${actx.instanceId}|${step}|${actx.attempt}\n`);
  return step;
});
runtime.registerOrchestration('chain', async (ctx) => {
  let sum = 0;
  for (let step = 0; step < 4; step++) {
    sum += await ctx.scheduleActivity<number>('effect', step);
    await ctx.scheduleTimer(2);
  }
  return sum;
});
// Each delivery of this activity kills its worker: after maxAttempts it fails as poison instead.
runtime.registerActivity('kills-its-worker', async () => {
  process.kill(process.pid, 'SIGKILL');
  return 'unreachable';
});
runtime.registerOrchestration('calls-a-killer', async (ctx) => {
  try {
    await ctx.scheduleActivity('kills-its-worker');
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
});
runtime.registerOrchestration('suicidal', async () => {
  process.kill(process.pid, 'SIGKILL');
  return 'unreachable';
});

await runtime.start();
if (mode.startsWith('start:')) {
  const [, name, count] = mode.split(':');
  for (let i = 0; i < Number(count); i++) {
    await runtime.client.startOrchestration(name, null, { instanceId: `${name}-${i}` });
  }
}
for (;;) {
  const all = await runtime.client.listInstances();
  if (all.length && all.every((i) => TERMINAL_STATUSES.has(i.status))) break;
  await new Promise((r) => setTimeout(r, 20));
}
await runtime.shutdown({ closeStore: true });
process.exit(0);
