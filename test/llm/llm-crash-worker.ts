/**
 * A runtime process for the LLM crash test: `node --import tsx llm-crash-worker.ts <db> <baseURL>`.
 * The orchestration asks the model, runs an activity with the answer, asks again, then waits
 * on a timer; DUROXIDE_KILL_AT kills the process at a named point. After the orchestration
 * completes, the process keeps running until no work is left in the store, so a request that
 * should not exist (a replay asking the model again) reaches the server before it exits.
 */
import Database from 'better-sqlite3';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const [dbPath, baseURL] = process.argv.slice(2);
const runtime = new Runtime({
  store: new SqliteStore({ path: dbPath }),
  llm: new OpenAIProvider({ apiKey: 'sk-crash-test', baseURL }),
  logger: silentLogger,
  idlePollMs: 10,
  lockMs: 500,
});
runtime.registerActivity('use', async (_a, text: string) => `used ${text}`);
runtime.registerOrchestration('llm-then-work', async (ctx) => {
  const colour = await ctx.generate('Name a colour');
  const used = await ctx.scheduleActivity<string>('use', colour);
  const fruit = await ctx.generate('Name a fruit');
  await ctx.scheduleTimer(20);
  return { colour, used, fruit };
});
await runtime.start();
if (!(await runtime.client.getStatus('crashy-llm'))) await runtime.client.startOrchestration('llm-then-work', null, { instanceId: 'crashy-llm' });
const info = await runtime.client.waitForOrchestration('crashy-llm', { timeoutMs: 30_000 });

// Settle: wait until every queued or locked item (LLM calls included) has been handled.
const queues = new Database(dbPath, { readonly: true });
const pending = () => (queues.prepare('SELECT (SELECT count(*) FROM work_queue) + (SELECT count(*) FROM orchestrator_queue) AS n').get() as { n: number }).n;
for (let i = 0; i < 500 && pending() > 0; i++) await new Promise((r) => setTimeout(r, 20));
queues.close();
await runtime.shutdown({ closeStore: true });
console.log(JSON.stringify(info.output));
process.exit(0);
