/**
 * Optional management reads (the operations console, the `instances` CLI): filtered pages of
 * instances newest first with their total, counts per status, and diagram records.
 */
import { expect, it } from 'vitest';
import type { HistoryEvent } from '../../runtime/history.js';
import type { Store } from '../store.js';
import { commit, LONG, sleep, start, started } from './fixtures.js';
import type { StoreKit } from './kit.js';

/** Creates instances one ms apart (so creation order is observable) and completes `done`. */
async function seed(s: Store, ids: string[], done: string[] = [], name = (id: string) => (id.startsWith('b') ? 'billing' : 'flow')): Promise<void> {
  for (const id of ids) {
    await s.createInstance({ ...start(id), name: name(id) });
    await sleep(2);
  }
  for (let item = await s.fetchOrchestrationItem(LONG); item; item = await s.fetchOrchestrationItem(LONG)) {
    const finished = done.includes(item.instanceId);
    await s.ackOrchestrationItem(
      item.lockToken,
      commit({
        historyDelta: [started()],
        instance: { name: item.instance!.name, version: '1.0.0', status: finished ? 'Completed' : 'Running', ...(finished ? { output: 1 } : {}) },
      }),
    );
  }
}

export function managementReadCases({ fresh }: StoreKit): void {
  it('queryInstances pages newest first and reports the total of the filter', async (ctx) => {
    const s = await fresh();
    if (!s.queryInstances) return ctx.skip('optional capability: this store has no queryInstances');
    await seed(s, ['a1', 'a2', 'a3', 'b4', 'a5']);
    const first = await s.queryInstances({ limit: 2 });
    expect(first.instances.map((i) => i.instanceId)).toEqual(['a5', 'b4']);
    expect(first.total).toBe(5);
    const second = await s.queryInstances({ limit: 2, offset: 2 });
    expect(second.instances.map((i) => i.instanceId)).toEqual(['a3', 'a2']);
    expect(second.total).toBe(5);
    const past = await s.queryInstances({ limit: 2, offset: 10 });
    expect(past).toEqual({ instances: [], total: 5 });
  });

  it('queryInstances filters by status, name, id text and creation time, together', async (ctx) => {
    const s = await fresh();
    if (!s.queryInstances) return ctx.skip('optional capability: this store has no queryInstances');
    await seed(s, ['a1', 'a2', 'b3', 'a4', 'b5'], ['a2', 'b3']);
    const ids = async (q: Parameters<NonNullable<Store['queryInstances']>>[0]) => (await s.queryInstances!(q)).instances.map((i) => i.instanceId);
    expect(await ids({ status: 'Completed' })).toEqual(['b3', 'a2']);
    expect(await ids({ name: 'billing' })).toEqual(['b5', 'b3']);
    expect(await ids({ name: 'billing', status: 'Running' })).toEqual(['b5']);
    expect(await ids({ idContains: '4' })).toEqual(['a4']);
    expect(await ids({ idContains: 'A' })).toEqual([]);
    const all = (await s.queryInstances({})).instances;
    const a2 = all.find((i) => i.instanceId === 'a2')!;
    const a4 = all.find((i) => i.instanceId === 'a4')!;
    expect(await ids({ createdFromMs: a2.createdAtMs, createdToMs: a4.createdAtMs })).toEqual(['b3', 'a2']);
    expect((await s.queryInstances({ status: 'Completed', limit: 1 })).total).toBe(2);
  });

  it('queryInstances by update returns what changed since a time, most recent first', async (ctx) => {
    const s = await fresh();
    if (!s.queryInstances) return ctx.skip('optional capability: this store has no queryInstances');
    await seed(s, ['a1', 'a2', 'a3']);
    const before = Math.max(...(await s.queryInstances({})).instances.map((i) => i.updatedAtMs));
    await sleep(5);
    await s.enqueueOrchestratorMessage({ kind: 'ExternalEvent', instanceId: 'a1', name: 'go', data: null });
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ instance: { name: 'flow', version: '1.0.0', status: 'Completed', output: 2 } }));
    const changed = await s.queryInstances({ updatedAfterMs: before, orderBy: 'updated' });
    expect(changed.instances.map((i) => [i.instanceId, i.status])).toEqual([['a1', 'Completed']]);
  });

  it('countInstancesByStatus counts every status present, under the same filters', async (ctx) => {
    const s = await fresh();
    if (!s.countInstancesByStatus) return ctx.skip('optional capability: this store has no countInstancesByStatus');
    await seed(s, ['a1', 'a2', 'b3', 'a4'], ['a2', 'b3']);
    await s.createInstance(start('p5'));
    expect(await s.countInstancesByStatus()).toEqual({ Running: 2, Completed: 2, Pending: 1 });
    expect(await s.countInstancesByStatus({ name: 'billing' })).toEqual({ Completed: 1 });
    expect(await s.countInstancesByStatus({ idContains: 'zzz' })).toEqual({});
  });

  usageAndDiagramCases({ fresh });
}

/** The reads behind the console's token column and diagrams. */
function usageAndDiagramCases({ fresh }: Pick<StoreKit, 'fresh'>): void {
  it('summarizeLlmUsage totals the LLM tokens of each instance over its executions, in one read', async (ctx) => {
    const s = await fresh();
    if (!s.summarizeLlmUsage) return ctx.skip('optional capability: this store has no summarizeLlmUsage');
    await s.createInstance(start('a'));
    await s.createInstance(start('b'));
    const llm = (eventId: number, kind: 'LlmCompleted' | 'LlmFailed', input: number, output: number): HistoryEvent =>
      kind === 'LlmCompleted'
        ? { kind, eventId, timestampMs: 1, sourceEventId: eventId - 1, result: 'ok', tokensUsed: { input, output }, model: 'm1' }
        : { kind, eventId, timestampMs: 1, sourceEventId: eventId - 1, error: { name: 'Error', message: 'x' }, tokensUsed: { input, output } };
    const asked = (eventId: number): HistoryEvent => ({ kind: 'LlmRequested', eventId, timestampMs: 1, operation: 'generate', promptHash: 'h', provider: 'p', options: {} });
    for (let item = await s.fetchOrchestrationItem(LONG); item; item = await s.fetchOrchestrationItem(LONG)) {
      const delta: HistoryEvent[] =
        item.instanceId === 'a'
          ? [started(), asked(2), llm(3, 'LlmCompleted', 10, 5), asked(4), llm(5, 'LlmFailed', 3, 0)]
          : [started(), { kind: 'ActivityScheduled', eventId: 2, timestampMs: 1, name: 'act', input: '"kind":"LlmCompleted"', inputHash: 'h' }];
      await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: delta }));
    }
    // A second execution of a (continue-as-new) counts too.
    await s.enqueueOrchestratorMessage({ kind: 'ExternalEvent', instanceId: 'a', name: 'go', data: null });
    const next = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(next.lockToken, commit({ executionId: 2, historyDelta: [started(1, 2), asked(2), llm(3, 'LlmCompleted', 1, 1)] }));
    expect(await s.summarizeLlmUsage(['a', 'b', 'missing'])).toEqual({
      a: { input: 14, output: 6, calls: 3, byModel: { m1: { input: 11, output: 6 }, '*': { input: 3, output: 0 } } },
    });
    expect(await s.summarizeLlmUsage([])).toEqual({});
  });

  it('putDiagram records one diagram per name and version; a second put replaces it', async (ctx) => {
    const s = await fresh();
    if (!s.putDiagram || !s.listDiagrams) return ctx.skip('optional capability: this store has no diagram records');
    const graph = { nodes: [{ id: 'start', kind: 'start' }], edges: [] };
    await s.putDiagram({ name: 'flow', version: '2.0.0', graph, recordedAtMs: 1 });
    await s.putDiagram({ name: 'flow', version: '1.0.0', graph, diagram: 'flowchart TD\n  a["<b>"]', file: 'src/flow.ts', recordedAtMs: 2 });
    await s.putDiagram({ name: 'audit', version: '1.0.0', graph, recordedAtMs: 3 });
    await s.putDiagram({ name: 'flow', version: '2.0.0', graph: { nodes: [], edges: [] }, recordedAtMs: 4 });
    expect((await s.listDiagrams()).map((d) => `${d.name}@${d.version}`)).toEqual(['audit@1.0.0', 'flow@1.0.0', 'flow@2.0.0']);
    const flows = await s.listDiagrams('flow');
    expect(flows[0]).toEqual({ name: 'flow', version: '1.0.0', graph, diagram: 'flowchart TD\n  a["<b>"]', file: 'src/flow.ts', recordedAtMs: 2 });
    expect(flows[1]).toMatchObject({ version: '2.0.0', graph: { nodes: [], edges: [] }, recordedAtMs: 4 });
    expect(await s.listDiagrams('nope')).toEqual([]);
  });
}
