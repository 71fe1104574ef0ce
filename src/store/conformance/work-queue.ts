/** The work queue: activity and LLM items, fetched per queue in enqueue order, acked with their completion. */
import { expect, it } from 'vitest';
import { activity, sleep, LONG, SHORT } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function workQueueCases({ fresh, withStartedInstance }: StoreKit): void {
  it('fetchWorkItem returns null when the queue is empty', async () => {
    expect(await (await fresh()).fetchWorkItem('activity', LONG)).toBeNull();
  });

  it('work items are fetched per queue name', async () => {
    const s = await fresh();
    await s.enqueueWorkItem(activity('a', 2, 'llm'));
    expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
    expect((await s.fetchWorkItem('llm', LONG))?.item.kind).toBe('ExecuteLlm');
  });

  it('work items come out in enqueue order', async () => {
    const s = await fresh();
    for (const id of [2, 3, 4]) await s.enqueueWorkItem(activity('a', id));
    const order: number[] = [];
    for (let i = 0; i < 3; i++) order.push(((await s.fetchWorkItem('activity', LONG))!.item as { eventId: number }).eventId);
    expect(order).toEqual([2, 3, 4]);
  });

  it('a locked work item is not fetched again until its lease expires', async () => {
    const s = await fresh();
    await s.enqueueWorkItem(activity('a', 2));
    const first = (await s.fetchWorkItem('activity', SHORT))!;
    expect(await s.fetchWorkItem('activity', SHORT)).toBeNull();
    await sleep(SHORT + 30);
    const again = (await s.fetchWorkItem('activity', LONG))!;
    expect(again.id).toBe(first.id);
    expect(again.lockToken).not.toBe(first.lockToken);
  });

  it('ackWorkItem deletes the item and atomically enqueues its completion', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueWorkItem(activity('a', 2));
    const w = (await s.fetchWorkItem('activity', LONG))!;
    await s.ackWorkItem(w.lockToken, { kind: 'ActivityCompleted', instanceId: 'a', executionId: 1, sourceEventId: 2, result: 42 });
    expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect(item.messages[0].message).toMatchObject({ kind: 'ActivityCompleted', result: 42 });
  });

  it('ackWorkItem with null completion just deletes the item', async () => {
    const s = await fresh();
    await s.enqueueWorkItem(activity('a', 2));
    const w = (await s.fetchWorkItem('activity', LONG))!;
    await s.ackWorkItem(w.lockToken, null);
    expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
  });
}
