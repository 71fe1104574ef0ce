/**
 * One runtime process of the scale-out tests:
 * `node --import tsx scale-worker.ts <schema> <mode>` with mode `jobs` or `llm:<processes>`.
 * It works until every instance in the schema has finished, then exits 0. In `llm` mode the
 * processes start together (each waits until all have registered), and each holds one LLM
 * call at a time, so the calls of one rate window are spread over several processes.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { PostgresStore } from '../../src/store/postgres-store.js';

const [schema, mode] = process.argv.slice(2);
const [kind, processesArg] = mode.split(':');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const db = new pg.Pool({ connectionString: url, max: 2 });
const store = new PostgresStore({ connectionString: url, schema, max: 6 });
const llm = new MockLlmProvider(async () => {
  await db.query(`INSERT INTO "${schema}".llm_calls (at, pid) VALUES ($1, $2)`, [Date.now(), process.pid]);
  await new Promise((r) => setTimeout(r, 30)); // a model takes time to answer
  return 'ok';
});
const runtime = new Runtime({
  store,
  logger: silentLogger,
  lockMs: 2000,
  llm,
  llmReliability: { requestsPerMinute: 6, rateWindowMs: 3000 },
  ...(kind === 'llm' ? { llmConcurrency: 1 } : {}),
});

runtime.registerActivity('step', async (actx, n: number) => {
  // Each execution leaves a unique token; history must record exactly one of them.
  const token = `${process.pid}:${actx.attempt}:${randomUUID()}`;
  await db.query(`INSERT INTO "${schema}".effects (instance_id, step, token) VALUES ($1, $2, $3)`, [actx.instanceId, n, token]);
  return token;
});
runtime.registerOrchestration('job', async (ctx) => {
  const tokens: string[] = [];
  for (let n = 0; n < 3; n++) tokens.push(await ctx.scheduleActivity<string>('step', n));
  await ctx.scheduleTimer(5);
  return tokens;
});
runtime.registerOrchestration('chatty', async (ctx) => ctx.generate('hello'));

if (kind === 'llm') {
  await db.query(`INSERT INTO "${schema}".ready (pid) VALUES ($1)`, [process.pid]);
  for (;;) {
    const ready = await db.query(`SELECT count(*)::int AS n FROM "${schema}".ready`);
    if (ready.rows[0].n >= Number(processesArg)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
}
await runtime.start();
for (;;) {
  const open = await db.query(`SELECT count(*) AS n FROM "${schema}".instances WHERE status IN ('Pending', 'Running')`);
  if (Number(open.rows[0].n) === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
await runtime.shutdown({ closeStore: true });
await db.end();
process.exit(0);
