/** Optional fetch-on-ack: an ack that also locks the next piece of work for the caller. */
import { expect, it } from 'vitest';
import { LockLostError } from '../errors.js';
import { start, activity, started, commit, LONG } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function fetchOnAckCases({ fresh, withStartedInstance }: StoreKit): void {
  it('fetch-on-ack: a turn commit can lock the activity items it creates for the caller', async (ctx) => {
    const s = await fresh();
    if (!s.ackOrchestrationItemAndLockWork) return ctx.skip('optional capability: this store has no ackOrchestrationItemAndLockWork');
    await s.createInstance(start('a'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    const locked = await s.ackOrchestrationItemAndLockWork(item.lockToken, commit({ historyDelta: [started()], workItems: [activity('a', 2), activity('a', 3), activity('a', 4, 'llm')] }), LONG, 1);
    expect(locked.map((w) => (w.item as { eventId: number }).eventId)).toEqual([2]);
    expect(locked[0].attempt).toBe(1);
    expect((await s.fetchWorkItem('activity', LONG))?.item).toMatchObject({ eventId: 3 });
    expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
    await s.ackWorkItem(locked[0].lockToken, null);
    expect(await s.readHistory('a')).toHaveLength(1);
  });

  it('fetch-on-ack: an activity ack can claim its instance, unless another worker holds it', async (ctx) => {
    const s = await fresh();
    if (!s.ackWorkItemAndLockInstance) return ctx.skip('optional capability: this store has no ackWorkItemAndLockInstance');
    const st = await withStartedInstance('a');
    await st.enqueueWorkItem(activity('a', 2));
    await st.enqueueWorkItem(activity('a', 3));
    const w1 = (await st.fetchWorkItem('activity', LONG))!;
    const w2 = (await st.fetchWorkItem('activity', LONG))!;
    const claimed = await st.ackWorkItemAndLockInstance!(w1.lockToken, { kind: 'ActivityCompleted', instanceId: 'a', executionId: 1, sourceEventId: 2, result: 1 }, LONG);
    expect(claimed?.instanceId).toBe('a');
    expect(claimed?.messages.map((m) => m.message.kind)).toEqual(['ActivityCompleted']);
    expect(claimed?.history).toHaveLength(1);
    // The instance is now held: the second completion is queued, not claimed.
    const second = await st.ackWorkItemAndLockInstance!(w2.lockToken, { kind: 'ActivityCompleted', instanceId: 'a', executionId: 1, sourceEventId: 3, result: 2 }, LONG);
    expect(second).toBeNull();
    await st.ackOrchestrationItem(claimed!.lockToken, commit());
    expect((await st.fetchOrchestrationItem(LONG))?.messages.map((m) => (m.message as { sourceEventId: number }).sourceEventId)).toEqual([3]);
    await expect(st.ackWorkItemAndLockInstance!(w1.lockToken, { kind: 'ActivityCompleted', instanceId: 'a', executionId: 1, sourceEventId: 2, result: 1 }, LONG)).rejects.toBeInstanceOf(LockLostError);
  });
}
