/** The agent orchestration end to end on SQLite with scripted plans. */
import { describe, expect, it } from 'vitest';
import { readAgentTranscript, startAgent } from '../../src/agent/agent-client.js';
import type { AgentResult, AgentState } from '../../src/agent/agent-orchestration.js';
import { entryText } from '../../src/agent/transcript.js';
import { estimateTokens } from '../../src/llm/token-estimate.js';
import { InvalidToolExampleError } from '../../src/tools/invalid-tool-example-error.js';
import { agentRuntime, done, plan, ran } from './agent-harness.js';

const vm = { vm: 'vm-123' };

async function waitForStatus(runtime: Awaited<ReturnType<typeof agentRuntime>>['runtime'], id: string, pred: (s: any) => boolean) {
  for (let i = 0; i < 500; i++) {
    const s = (await runtime.client.getStatus(id))?.customStatus;
    if (s && pred(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('status never matched');
}

describe('agent', () => {
  it('succeeds in several iterations and the full transcript is readable afterwards', async () => {
    const { runtime, llm } = await agentRuntime([
      plan('Look at the metrics first', [{ tool: 'get_metrics', params: vm, id: 'a1' }]),
      plan('CPU is high; who is using it?', [{ tool: 'get_top_processes', params: vm, id: 'a2' }]),
      plan('Restart the java container', [{ tool: 'restart_container', params: { ...vm, container: 'java' }, id: 'a3' }]),
      done('Restarted the java container; CPU back to normal'),
    ]);
    const id = await startAgent(runtime.client, { intent: 'Fix the high CPU on vm-123' });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result).toMatchObject({ doneReason: 'completed', iterations: 4, summary: 'Restarted the java container; CPU back to normal' });
    expect(ran.map((r) => r.tool)).toEqual(['get_metrics', 'get_top_processes', 'restart_container']);
    expect(result.usage.input).toBeGreaterThan(0);
    expect(llm.calls[1].prompt).toContain('get_metrics#a1 returned {"vm":"vm-123","cpu":97,"memory":41}');
    expect(await runtime.client.listExecutions(id)).toEqual([1, 2, 3, 4]);
    const transcript = await readAgentTranscript(runtime.client, id);
    expect(transcript.filter((e) => e.kind === 'plan')).toHaveLength(4);
    expect(transcript.filter((e) => e.kind === 'result').map((e) => (e as { tool: string }).tool)).toEqual(['get_metrics', 'get_top_processes', 'restart_container']);
  });

  it('runs parallel actions concurrently: wall time near the slowest, not the sum', async () => {
    const { runtime, llm } = await agentRuntime([
      plan('Probe three VMs at once', ['a', 'b', 'c'].map((x) => ({ tool: 'slow_probe', params: { vm: x }, id: x })), { parallel: true }),
      done('probed'),
    ]);
    const id = await startAgent(runtime.client, { intent: 'probe' });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result).toMatchObject({ iterations: 2, summary: 'probed' });
    // Each action ran exactly once, and its result went back to the planner.
    expect(ran.map((r) => `${r.tool}:${(r.params as { vm: string }).vm}`).sort()).toEqual(['slow_probe:a', 'slow_probe:b', 'slow_probe:c']);
    for (const vmName of ['a', 'b', 'c']) expect(llm.calls[1].prompt).toContain(`slow_probe#${vmName} returned "${vmName}"`);
    // Each probe takes 300 ms: run one after another, the last would start >= 600 ms after the first.
    const times = ran.map((r) => r.at);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(250);
  });

  it('a hallucinated tool is not run and the error goes back to the LLM', async () => {
    const { runtime, llm } = await agentRuntime([plan('Use a magic tool', [{ tool: 'fix_everything', params: vm, id: 'h1' }]), done('gave up on magic')]);
    const id = await startAgent(runtime.client, { intent: 'fix' });
    await runtime.client.getResult(id);
    expect(ran).toEqual([]);
    expect(llm.calls[1].prompt).toContain('there is no tool named "fix_everything"');
  });

  it('params that fail the tool schema are not run and the error goes back to the LLM', async () => {
    const { runtime, llm } = await agentRuntime([plan('Metrics', [{ tool: 'get_metrics', params: { machine: 1 }, id: 'p1' }]), done('ok')]);
    const id = await startAgent(runtime.client, { intent: 'fix' });
    await runtime.client.getResult(id);
    expect(ran).toEqual([]);
    expect(llm.calls[1].prompt).toMatch(/get_metrics#p1 was NOT RUN: invalid params: .*vm/);
  });

  it('repeated hallucination ends the run with a clear reason', async () => {
    const { runtime } = await agentRuntime([plan('magic', [{ tool: 'nope', params: {}, id: 'x' }])]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { maxHallucinations: 2 } });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result.doneReason).toBe('hallucination_limit');
    expect(result.iterations).toBe(2);
  });

  it('a forbidden tool is refused without running', async () => {
    const { runtime, llm } = await agentRuntime([plan('Reset the network', [{ tool: 'reset_network', params: vm, id: 'f1' }]), done('ok')]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { forbiddenTools: ['reset_network'] } });
    await runtime.client.getResult(id);
    expect(ran).toEqual([]);
    expect(llm.calls[1].prompt).toContain('reset_network#f1 was REFUSED');
  });

  it('forbidden tools are not offered to the planner at all', async () => {
    const { runtime, llm } = await agentRuntime([done('ok')]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { forbiddenTools: ['reset_network'] } });
    await runtime.client.getResult(id);
    expect(llm.calls[0].prompt).toContain('- get_metrics:');
    expect(llm.calls[0].prompt).not.toContain('reset_network');
  });

  it("the planner sees each tool's examples with its description and schema", async () => {
    const { runtime, llm } = await agentRuntime([done('ok')]);
    await runtime.client.getResult(await startAgent(runtime.client, { intent: 'fix' }));
    expect(llm.calls[0].prompt).toContain('example (a busy VM): {"vm":"vm-7"} -> {"vm":"vm-7","cpu":97,"memory":41}');
  });

  it('an example that is not a valid call of its tool is refused at registration', async () => {
    const { runtime } = await agentRuntime([done('ok')]);
    const params = { type: 'object', properties: { vm: { type: 'string' } }, required: ['vm'] };
    expect(() => runtime.registerActivity('probe', async () => 1, { description: 'Probe', parameters: params, examples: [{ params: { host: 'x' } as never }] })).toThrow(
      InvalidToolExampleError,
    );
    expect(() => runtime.registerActivity('probe2', async () => 1, { description: 'Probe', parameters: params, examples: [{ params: { host: 'x' } as never }] })).toThrow(
      /Activity "probe2": examples\[0\]\.params do not match the parameters schema .*required property 'vm'.*Fix the example/,
    );
  });

  it('approval granted: the action waits for approval:<id>, then runs', async () => {
    const { runtime } = await agentRuntime([plan('Reboot', [{ tool: 'restart_vm', params: vm, id: 'r1' }]), done('rebooted')]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { approvalRequired: ['restart_vm'] } });
    const status = (await waitForStatus(runtime, id, (s) => s.pendingApproval)) as { pendingApproval: unknown };
    expect(status.pendingApproval).toEqual({ actionId: 'r1', tool: 'restart_vm', params: vm });
    expect(ran).toEqual([]);
    await runtime.client.raiseEvent(id, 'approval:r1', { approved: true });
    await runtime.client.getResult(id);
    expect(ran.map((r) => r.tool)).toEqual(['restart_vm']);
  });

  it('approval rejected: the action does not run and the rejection reaches the LLM', async () => {
    const { runtime, llm } = await agentRuntime([plan('Reboot', [{ tool: 'restart_vm', params: vm, id: 'r2' }]), done('not rebooted')]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { approvalRequired: ['restart_vm'] } });
    await waitForStatus(runtime, id, (s) => s.pendingApproval);
    await runtime.client.raiseEvent(id, 'approval:r2', { approved: false, reason: 'not during business hours' });
    await runtime.client.getResult(id);
    expect(ran).toEqual([]);
    expect(llm.calls[1].prompt).toContain('approval for restart_vm#r2: rejected (not during business hours)');
  });

  it('approval timeout counts as rejected', async () => {
    const { runtime, llm } = await agentRuntime([plan('Reboot', [{ tool: 'restart_vm', params: vm, id: 'r3' }]), done('timed out')]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { approvalRequired: ['restart_vm'], approvalTimeoutMs: 150 } });
    await runtime.client.getResult(id);
    expect(ran).toEqual([]);
    expect(llm.calls[1].prompt).toContain('no approval within 150 ms');
  });

  it('stops at max iterations', async () => {
    const { runtime } = await agentRuntime([plan('again', [{ tool: 'get_logs', params: vm, id: 'l' }])]);
    const id = await startAgent(runtime.client, { intent: 'loop', config: { maxIterations: 3 } });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result).toMatchObject({ doneReason: 'max_iterations', iterations: 3 });
    expect(ran).toHaveLength(3);
  });

  it('stops when the cost budget is exceeded, before asking the LLM again', async () => {
    const { runtime, llm } = await agentRuntime([plan('again', [{ tool: 'get_logs', params: vm, id: 'l' }])]);
    const id = await startAgent(runtime.client, { intent: 'loop', config: { maxCost: { tokens: 1 } } });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result.doneReason).toBe('budget_exceeded');
    expect(llm.calls).toHaveLength(1);
  });

  it('the budget is checked before every LLM call of an iteration: a re-ask past it is never sent', async () => {
    // The first plan is not JSON, so generateStructured would re-ask within the same iteration.
    const { runtime, llm } = await agentRuntime(['I think we should look at the logs', plan('again', [{ tool: 'get_logs', params: vm, id: 'l' }])]);
    const id = await startAgent(runtime.client, { intent: 'loop', config: { maxCost: { maxTokens: 1 } } });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result.doneReason).toBe('budget_exceeded');
    expect(result.summary).toMatch(/LLM budget is spent .*budget 1/);
    expect(llm.calls).toHaveLength(1);
    expect(ran).toEqual([]);
  });

  it('the budget left after earlier iterations is what the next one may spend', async () => {
    const first = plan('again', [{ tool: 'get_logs', params: vm, id: 'l' }]);
    // What the first planning call costs, measured on a run of one iteration.
    const probe = await agentRuntime([first]);
    const one = (await probe.runtime.client.getResult(await startAgent(probe.runtime.client, { intent: 'loop', config: { maxIterations: 1 } }))) as AgentResult;
    const firstPlanTokens = one.usage.input + one.usage.output;
    // Iteration 2 starts under budget; its re-ask of an answer that is not a plan would pass it.
    const { runtime, llm } = await agentRuntime([first, 'not a plan', plan('again', [{ tool: 'get_logs', params: vm, id: 'l2' }])]);
    const id = await startAgent(runtime.client, { intent: 'loop', config: { maxCost: { maxTokens: firstPlanTokens + 1 } } });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result).toMatchObject({ doneReason: 'budget_exceeded', iterations: 2 });
    expect(llm.calls).toHaveLength(2);
    expect(ran.map((r) => r.params)).toEqual([vm]);
  });

  it('stops at the overall timeout (a durable timer raced against the work)', async () => {
    const { runtime } = await agentRuntime([plan('Reboot', [{ tool: 'restart_vm', params: vm, id: 'w' }])]);
    const id = await startAgent(runtime.client, { intent: 'fix', config: { approvalRequired: ['restart_vm'], timeoutMs: 300 } });
    const result = (await runtime.client.getResult(id)) as AgentResult;
    expect(result.doneReason).toBe('timeout');
    expect(ran).toEqual([]);
  });

  it('a failing tool reports its error to the LLM', async () => {
    const { runtime, llm } = await agentRuntime([plan('Try', [{ tool: 'flaky', params: vm, id: 'e1' }]), done('could not')]);
    const id = await startAgent(runtime.client, { intent: 'fix' });
    await runtime.client.getResult(id);
    expect(llm.calls[1].prompt).toContain('flaky#e1 FAILED');
    expect(llm.calls[1].prompt).toContain('disk unreachable');
  });

  it('the continue-as-new input stays bounded: after 50 iterations it is no larger than after 5', async () => {
    const { runtime } = await agentRuntime([plan('check again', [{ tool: 'get_logs', params: vm, id: 'l' }])]);
    const id = await startAgent(runtime.client, { intent: 'watch', config: { maxIterations: 50, maxContextTokens: 100 } });
    await runtime.client.getResult(id, { timeoutMs: 60_000 });
    const inputAfter = async (iterations: number) => (await runtime.client.readHistory(id, { executionId: iterations + 1 }))[0] as unknown as { input: { state: AgentState } };
    const at5 = await inputAfter(5);
    const at50 = await inputAfter(49);
    for (const { input } of [at5, at50]) {
      expect(estimateTokens(input.state.transcript.map(entryText).join('\n'))).toBeLessThanOrEqual(100);
    }
    expect(at50.input.state.transcript.length).toBe(at5.input.state.transcript.length);
    // Only counters grow (iteration numbers, token totals gain a digit or two).
    expect(JSON.stringify(at50).length).toBeLessThanOrEqual(JSON.stringify(at5).length + 40);
  });
});
