/**
 * A runtime process for the LLM crash test: `node --import tsx llm-crash-worker.ts <db> <baseURL>`.
 * The orchestration makes one LLM call, then an activity, then waits; DUROXIDE_KILL_AT kills it.
 */
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
  const answer = await ctx.generate('Name a colour');
  const used = await ctx.scheduleActivity<string>('use', answer);
  await ctx.scheduleTimer(20);
  return { answer, used };
});
await runtime.start();
if (!(await runtime.client.getStatus('crashy-llm'))) await runtime.client.startOrchestration('llm-then-work', null, { instanceId: 'crashy-llm' });
const info = await runtime.client.waitForOrchestration('crashy-llm', { timeoutMs: 30_000 });
console.log(JSON.stringify(info.output));
await runtime.shutdown({ closeStore: true });
process.exit(0);
