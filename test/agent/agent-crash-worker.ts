/**
 * The agent in a process that can be killed: `node --import tsx agent-crash-worker.ts <db> <effects> <baseURL>`.
 * Tools append to <effects>; the planner is the OpenAI SDK against the test's loopback server.
 */
import { appendFileSync } from 'node:fs';
import { registerAgent, startAgent } from '../../src/agent/agent-client.js';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const [db, effects, baseURL] = process.argv.slice(2);
const runtime = new Runtime({
  store: new SqliteStore({ path: db }),
  llm: new OpenAIProvider({ apiKey: 'sk-agent-crash', baseURL }),
  logger: silentLogger,
  lockMs: 500,
  idlePollMs: 10,
});
for (const name of ['get_metrics', 'get_logs', 'restart_container']) {
  runtime.registerActivity(
    name,
    async (actx, params: { vm: string }) => {
      appendFileSync(effects, `${name}|${actx.attempt}\n`);
      return { tool: name, vm: params.vm };
    },
    { description: name, parameters: { type: 'object', properties: { vm: { type: 'string' } }, required: ['vm'] } },
  );
}
registerAgent(runtime);
await runtime.start();
if (!(await runtime.client.getStatus('agent-run'))) {
  await startAgent(runtime.client, { intent: 'Fix the high CPU on vm-123' }, { instanceId: 'agent-run' });
}
const result = await runtime.client.getResult('agent-run', { timeoutMs: 30_000 });
console.log(JSON.stringify(result));
await runtime.shutdown({ closeStore: true });
process.exit(0);
