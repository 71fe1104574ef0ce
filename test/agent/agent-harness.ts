/** A runtime with the agent and the VM-remediation style tools, driven by scripted plans. */
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import type { LlmRequest } from '../../src/llm/provider.js';
import { registerAgent } from '../../src/agent/agent-client.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { ActivityDefinition } from '../../src/tools/activity-definition.js';
import { startRuntime } from '../runtime/runtime-harness.js';

export const ran: { tool: string; params: unknown; at: number }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const vmParams = { type: 'object', properties: { vm: { type: 'string' } }, required: ['vm'], additionalProperties: false };

export function registerTools(rt: Runtime): void {
  const tool = (name: string, description: string, fn: (p: any) => unknown, parameters: object = vmParams, more: ActivityDefinition = {}) =>
    rt.registerActivity(
      name,
      async (_a, params: any) => {
        ran.push({ tool: name, params, at: Date.now() });
        return fn(params);
      },
      { description, parameters, ...more },
    );
  tool('get_metrics', 'CPU and memory of a VM', (p) => ({ vm: p.vm, cpu: 97, memory: 41 }), vmParams, {
    examples: [{ description: 'a busy VM', params: { vm: 'vm-7' }, result: { vm: 'vm-7', cpu: 97, memory: 41 } }],
  });
  tool('get_top_processes', 'Top processes by CPU', () => [{ name: 'java', cpu: 91 }]);
  tool('restart_container', 'Restart a container on a VM', (p) => ({ restarted: p.container }), {
    type: 'object',
    properties: { vm: { type: 'string' }, container: { type: 'string' } },
    required: ['vm', 'container'],
  });
  tool('restart_vm', 'Reboot a VM (needs approval)', (p) => ({ rebooted: p.vm }));
  tool('reset_network', 'Reset the VM network stack', () => ({ ok: true }));
  tool('get_logs', 'Recent logs of a VM', () => ['OOM killer invoked']);
  tool('slow_probe', 'A probe that takes 300 ms', async (p) => (await sleep(300), p.vm));
  tool('flaky', 'Always fails', () => {
    throw new Error('disk unreachable');
  });
}

export type PlanStep = Record<string, unknown>;

export function plan(thought: string, actions: { tool: string; params: object; id: string }[], extra: PlanStep = {}): string {
  return JSON.stringify({ thought, actions, parallel: false, done: false, ...extra });
}
export function done(summary: string, reason = 'fixed'): string {
  return JSON.stringify({ thought: 'done', actions: [], parallel: false, done: true, done_reason: reason, summary });
}

/** Starts a runtime whose LLM answers the planning calls with `plans`, in order. */
export async function agentRuntime(plans: (string | ((req: LlmRequest) => string))[], opts: { cancelCheckMs?: number } = {}) {
  ran.length = 0;
  let i = 0;
  const llm = new MockLlmProvider((req) => {
    const next = plans[Math.min(i++, plans.length - 1)];
    return typeof next === 'function' ? next(req) : next;
  });
  const { runtime } = await startRuntime(
    (rt) => {
      registerTools(rt);
      registerAgent(rt);
    },
    { llm, ...opts },
  );
  return { runtime, llm };
}
