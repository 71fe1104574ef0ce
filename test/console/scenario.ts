/**
 * The console's test scenario: a runtime on a real store runs a completed, a failed, an agent
 * waiting for approval, a fan-out, a continue-as-new, a waiting, a race and an XSS-payload
 * orchestration; their diagrams are recorded in the store like a build step would.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { registerAgent, startAgent } from '../../src/agent/agent-client.js';
import { recordDiagrams, extractFromSource } from '../../src/console/diagram-records.js';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import type { Store } from '../../src/store/store.js';
import { registerConsoleFlows, XSS } from './fixtures/console-flows.js';

export const FLOWS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export { XSS };
export const XSS_ID = `x-<img src=x onerror="window.__xss=1">"]-->`;

const vmParams = { type: 'object', properties: { vm: { type: 'string' } }, required: ['vm'], additionalProperties: false };

/** The agent's planner: a reboot first, then done (per run: the prompt says whether anything happened yet). */
function plan(prompt: string): string {
  return prompt.includes('Nothing has been done yet.')
    ? JSON.stringify({ thought: 'CPU is pegged on vm-7; a reboot should clear it', actions: [{ tool: 'restart_vm', id: 'r1', params: { vm: 'vm-7' } }], parallel: false, done: false })
    : JSON.stringify({ thought: 'rebooted, CPU back to normal', actions: [], parallel: false, done: true, done_reason: 'fixed', summary: 'Rebooted vm-7' });
}

export async function startScenarioRuntime(store: Store): Promise<Runtime> {
  let triage = 0;
  const llm = new MockLlmProvider([
    { match: 'Intent:', respond: (req) => plan(req.prompt ?? '') },
    // The first answer is not a label: classify asks again, and the ledger shows the re-ask.
    { match: 'printer on fire', respond: () => ({ text: triage++ === 0 ? 'maybe the printer?' : 'hardware', usage: { input: 30, output: 3 } }) },
    { match: () => true, respond: { text: XSS, usage: { input: 42, output: 17 } } },
  ]);
  const runtime = new Runtime({ store, llm, recordPrompts: true, logger: silentLogger, idlePollMs: 10 });
  registerConsoleFlows(runtime);
  registerAgent(runtime);
  runtime.registerActivity('restart_vm', async (_c, p: { vm: string }) => ({ rebooted: p.vm }), { description: 'Reboot a VM (needs approval)', parameters: vmParams });
  runtime.registerActivity('get_metrics', async (_c, p: { vm: string }) => ({ vm: p.vm, cpu: 97 }), { description: 'CPU of a VM', parameters: vmParams });
  await runtime.start();
  return runtime;
}

export interface Scenario {
  completed: string;
  failed: string;
  agent: string;
  fanOut: string;
  ticker: string;
  waiting: string;
  race: string;
  xss: string;
  closure: string;
  batch: string;
  triage: string;
}

/** Starts every scenario instance and waits until each reached the state the tests expect. */
export async function runScenario(runtime: Runtime, store: Store): Promise<Scenario> {
  await recordDiagrams(store, { orchestrations: extractFromSource(FLOWS_DIR).flows });
  const c = runtime.client;
  const s: Scenario = {
    completed: await c.startOrchestration('OrderFlow', { id: 'o-1', express: false, amount: 40 }, { instanceId: 'order-ok' }),
    failed: await c.startOrchestration('OrderFlow', { id: 'o-2', express: true, amount: 5000 }, { instanceId: 'order-declined' }),
    agent: await startAgent(c, { intent: 'vm-7 is slow: fix it', config: { approvalRequired: ['restart_vm'], maxCost: { tokens: 50_000 } } }, { instanceId: 'agent-vm-7' }),
    fanOut: await c.startOrchestration('FanOut', ['a.png', 'b.png', 'c.png'], { instanceId: 'fan-out' }),
    ticker: await c.startOrchestration('Ticker', 0, { instanceId: 'ticker' }),
    waiting: await c.startOrchestration('ExpenseApproval', { amount: 120 }, { instanceId: 'expense-120' }),
    race: await c.startOrchestration('RaceFlow', null, { instanceId: 'race' }),
    xss: await c.startOrchestration('EchoFlow', null, { instanceId: XSS_ID }),
    closure: await c.startOrchestration('Closure', 3, { instanceId: 'closure' }),
    batch: await c.startOrchestration('Batch', ['x.png', 'y.png'], { instanceId: 'batch' }),
    triage: await c.startOrchestration('Triage', 'ticket: printer on fire', { instanceId: 'triage' }),
  };
  for (const id of [s.completed, s.failed, s.fanOut, s.ticker, s.race, s.xss, s.closure, s.batch, s.triage]) await c.waitForOrchestration(id, { timeoutMs: 20_000 });
  await waitFor(async () => ((await c.getStatus(s.agent))?.customStatus as { step?: string } | undefined)?.step === 'awaiting approval');
  await waitFor(async () => (await c.readHistory(s.waiting)).some((e) => e.kind === 'ExternalSubscribed'));
  return s;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
