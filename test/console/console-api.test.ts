/** The console's API over a real SQLite store while a runtime runs the scenario. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleApi } from '../../src/console/console-api.js';
import { overlayRun } from '../../src/console/overlay.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { runScenario, startScenarioRuntime, waitFor, XSS, type Scenario } from './scenario.js';

let dir: string;
let runtime: Runtime;
let api: ConsoleApi;
let s: Scenario;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-api-'));
  const store = new SqliteStore({ path: join(dir, 'duroxide.db') });
  runtime = await startScenarioRuntime(store);
  s = await runScenario(runtime, store);
  api = new ConsoleApi(new SqliteStore({ path: join(dir, 'duroxide.db') }), { prices: { '*': { inputPerMTok: 1, outputPerMTok: 2 } } });
  await api.init();
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown({ closeStore: true });
  await api?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const states = (d: Awaited<ReturnType<ConsoleApi['instance']>>) =>
  Object.fromEntries(d.diagram!.graph.nodes.filter((n) => n.name || n.kind === 'end').map((n) => [n.name ?? n.kind, d.overlay!.nodes[n.id].state]));

describe('instances list', () => {
  it('pages newest first with counts per status, tokens and cost', async () => {
    const page = await api.list({ limit: 3 });
    expect(page.total).toBeGreaterThanOrEqual(8);
    expect(page.instances).toHaveLength(3);
    expect(page.counts.Completed).toBeGreaterThanOrEqual(5);
    expect(page.counts.Failed).toBe(1);
    expect(page.counts.Running).toBe(2);
    const all = await api.list({ limit: 100 });
    const echo = all.instances.find((i) => i.instanceId === s.xss)!;
    expect(echo.llm).toEqual({ input: 42, output: 17, calls: 1, costUsd: (42 * 1 + 17 * 2) / 1e6 });
  });

  it('filters by status, name and id text', async () => {
    expect((await api.list({ status: 'Failed' })).instances.map((i) => i.instanceId)).toEqual([s.failed]);
    expect((await api.list({ name: 'OrderFlow' })).total).toBe(2);
    expect((await api.list({ idContains: 'fan' })).instances.map((i) => i.instanceId)).toEqual([s.fanOut]);
  });
});

describe('one instance with its diagram overlay', () => {
  it('maps events to nodes by code site: the branch not taken is dimmed, retries are attempts', async () => {
    const d = await api.instance(s.completed);
    expect(d.overlay!.matchedBy).toBe('site');
    expect(states(d)).toMatchObject({ validate: 'done', shipStandard: 'done', shipExpress: 'not_taken', charge: 'done', end: 'done' });
    const failed = await api.instance(s.failed);
    expect(states(failed)).toMatchObject({ validate: 'done', shipExpress: 'done', shipStandard: 'not_taken', charge: 'failed' });
    const charge = failed.diagram!.graph.nodes.find((n) => n.name === 'charge')!;
    expect(failed.overlay!.nodes[charge.id]).toMatchObject({ count: 1, attempts: 2 });
    expect(failed.timeline.bars.filter((b) => b.label === 'charge').map((b) => [b.attempt, b.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
  });

  it('counts fan-out branches on one node', async () => {
    const d = await api.instance(s.fanOut);
    const resize = d.diagram!.graph.nodes.find((n) => n.name === 'resize')!;
    expect(d.overlay!.nodes[resize.id]).toMatchObject({ state: 'done', count: 3 });
  });

  it('maps a helper called twice, a loop and a try/catch compensation exactly', async () => {
    const d = await api.instance(s.closure);
    const nodes = d.diagram!.graph.nodes.filter((n) => n.name);
    const run = (name: string) => nodes.filter((n) => n.name === name).map((n) => [d.overlay!.nodes[n.id].state, d.overlay!.nodes[n.id].count]);
    expect(run('notify')).toEqual([
      ['done', 1],
      ['done', 1],
    ]);
    expect(run('tick')).toEqual([['done', 3]]);
    expect(run('charge')).toEqual([['failed', 1]]);
    expect(run('reimburse')).toEqual([['done', 1]]);
    expect(d.overlay!.matchedBy).toBe('site');
  });

  it('falls back to name and order for histories recorded without code sites', async () => {
    const d = await api.instance(s.completed);
    const bare = (await api.store.readHistory(s.completed)).map((e) => ({ ...e, site: undefined }));
    const o = overlayRun(d.diagram!.graph, d.diagram!.file, bare);
    expect(o.matchedBy).toBe('name');
    const byName = Object.fromEntries(d.diagram!.graph.nodes.filter((n) => n.name).map((n) => [n.name, o.nodes[n.id].state]));
    expect(byName).toMatchObject({ validate: 'done', shipStandard: 'done', shipExpress: 'not_taken', charge: 'done' });
  });

  it('links a sub-orchestration step to its child instance, and the child to its parent', async () => {
    const d = await api.instance(s.batch);
    const sub = d.diagram!.graph.nodes.find((n) => n.kind === 'sub_orchestration')!;
    const child = d.overlay!.nodes[sub.id].children![0];
    expect(d.overlay!.nodes[sub.id].state).toBe('done');
    expect(d.children).toEqual([{ instanceId: child, name: 'FanOut', status: 'Completed' }]);
    expect((await api.instance(child)).parent).toEqual({ instanceId: s.batch, name: 'Batch', status: 'Completed' });
  });

  it('shows an LLM re-ask as a second call of the same step', async () => {
    const d = await api.instance(s.triage);
    expect(d.ledger.calls.map((c) => [c.operation, c.reask, c.input, c.output])).toEqual([
      ['classify', false, 30, 3],
      ['classify', true, 30, 3],
    ]);
    expect(d.ledger.totals).toMatchObject({ calls: 2, input: 60, output: 6 });
    const classify = d.diagram!.graph.nodes.find((n) => n.kind === 'llm')!;
    expect(d.overlay!.nodes[classify.id]).toMatchObject({ state: 'done', count: 1, attempts: 2 });
    expect(d.instance.output).toBe('hardware');
  });

  it('highlights the step an instance waits on, and shows a race loser as cancelled', async () => {
    const w = await api.instance(s.waiting);
    expect(states(w)).toMatchObject({ notify: 'done', managerDecision: 'waiting', reimburse: 'pending' });
    expect(w.waits.map((x) => x.event)).toEqual(['managerDecision']);
    const r = await api.instance(s.race);
    expect(states(r)).toMatchObject({ reply: 'cancelled', notify: 'done' });
  });

  it('lists the continue-as-new chain and the ledger, transcript and budget of the agent', async () => {
    const t = await api.instance(s.ticker);
    expect(t.executions.map((e) => e.outcome)).toEqual(['continued', 'continued', 'completed']);
    const a = await api.instance(s.agent);
    expect(a.diagram).toBeNull();
    expect(a.timeline.bars.length).toBeGreaterThan(0);
    expect(a.ledger.calls[0]).toMatchObject({ operation: 'generateStructured', status: 'ok' });
    expect(a.ledger.budget?.tokens?.limit).toBe(50_000);
    expect(a.transcript?.[0]).toMatchObject({ kind: 'plan', thought: expect.stringContaining('reboot') });
    const echo = await api.instance(s.xss);
    expect(echo.ledger.calls[0]).toMatchObject({ operation: 'generate', input: 42, output: 17, answer: expect.anything() });
    expect(JSON.stringify(echo.ledger.calls[0].prompt)).toContain('Summarise');
    expect(echo.instance.output).toEqual({ text: XSS, answer: XSS });
  });
});

describe('approvals', () => {
  it('a rejection with a reason raises the event; the agent goes on without the action', async () => {
    const id = await runtime.client.startOrchestration('duroxide.agent', { intent: 'vm-7 is slow', config: { approvalRequired: ['restart_vm'], approvalTimeoutMs: 600_000 } }, { instanceId: 'agent-rejected' });
    await waitFor(async () => (await api.waits({ approvalsOnly: true })).some((w) => w.instanceId === id));
    const wait = (await api.waits({ approvalsOnly: true })).find((w) => w.instanceId === id)!;
    expect(wait.deadlineMs! - wait.sinceMs).toBe(600_000); // the time left is shown from it
    expect(await api.decide(id, 'r1', { approved: false, reason: 'not during business hours', decidedBy: 'bo', via: 'api' })).toMatchObject({ approved: false, reason: 'not during business hours' });
    await waitFor(async () => (await api.store.getInstance(id))?.status === 'Completed');
    const t = (await api.instance(id)).transcript!;
    expect(t.find((e) => e.kind === 'approval')).toMatchObject({ approved: false, reason: 'not during business hours' });
    expect(t.some((e) => e.kind === 'result')).toBe(false);
  });

  it('lists the agent action with its tool, params and thought; approving raises the event and the run completes', async () => {
    const waits = await api.waits({ approvalsOnly: true });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ instanceId: s.agent, event: 'approval:r1', approval: { actionId: 'r1', tool: 'restart_vm', params: { vm: 'vm-7' }, thought: expect.stringContaining('reboot') } });
    expect((await api.waits({ approvalsOnly: false })).map((w) => w.instanceId).sort()).toEqual([s.agent, s.waiting].sort());
    await expect(api.decide(s.agent, 'nope', { approved: true, decidedBy: 'ana', via: 'api' })).rejects.toThrow(/not waiting for approval of action "nope"/);
    const decision = await api.decide(s.agent, 'r1', { approved: true, reason: 'ok by ops', decidedBy: 'ana', via: 'api' });
    expect(decision).toMatchObject({ approved: true, decidedBy: 'ana' });
    await waitFor(async () => (await api.store.getInstance(s.agent))?.status === 'Completed');
    const a = await api.instance(s.agent);
    expect(a.transcript!.map((e) => e.kind)).toEqual(expect.arrayContaining(['plan', 'approval', 'result']));
    const raised = (await api.store.readHistory(s.agent, 1)).find((e) => e.kind === 'ExternalEvent');
    expect(raised).toMatchObject({ name: 'approval:r1', data: { approved: true, reason: 'ok by ops', decidedBy: 'ana' } });
  });
});
