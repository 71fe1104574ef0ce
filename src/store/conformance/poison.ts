/** Delivery attempts, counted when a lock is taken, so a crashed worker still moves an item toward poison. */
import { expect, it } from 'vitest';
import { start, event, activity, sleep, LONG, SHORT } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function attemptCases({ fresh, withStartedInstance, withFetchedStart }: StoreKit): void {
  it('an abandon with countAttempt: false takes that delivery back out of the count', async () => {
    const { s, item: one } = await withFetchedStart('a');
    await s.abandonOrchestrationItem(one.lockToken, { countAttempt: false });
    const again = (await s.fetchOrchestrationItem(LONG))!;
    expect(again.attempt).toBe(1);
    await s.abandonOrchestrationItem(again.lockToken, { countAttempt: false, delayMs: 0 });
    await s.enqueueWorkItem(activity('a', 2));
    const w = (await s.fetchWorkItem('activity', LONG))!;
    await s.abandonWorkItem(w.lockToken, { countAttempt: false });
    expect((await s.fetchWorkItem('activity', LONG))?.attempt).toBe(1);
    expect((await s.fetchOrchestrationItem(LONG))?.attempt).toBe(1);
  });

  it('attempt counts each lock of a message, starting at 1', async () => {
    const { s, item: one } = await withFetchedStart('a');
    expect(one.attempt).toBe(1);
    await s.abandonOrchestrationItem(one.lockToken);
    const two = (await s.fetchOrchestrationItem(LONG))!;
    expect(two.attempt).toBe(2);
    expect(two.messages[0].attempt).toBe(2);
  });

  it('attempt also counts a lock that expired without any ack (a crashed worker)', async () => {
    const s = await fresh();
    await s.createInstance(start('a'));
    await s.fetchOrchestrationItem(SHORT);
    await sleep(SHORT + 30);
    await s.fetchOrchestrationItem(SHORT);
    await sleep(SHORT + 30);
    expect((await s.fetchOrchestrationItem(LONG))?.attempt).toBe(3);
  });

  it('an item attempt is the highest attempt among its messages', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueOrchestratorMessage(event('a', 'old'));
    const first = (await s.fetchOrchestrationItem(LONG))!;
    await s.abandonOrchestrationItem(first.lockToken);
    await s.enqueueOrchestratorMessage(event('a', 'new'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect(item.messages.map((m) => m.attempt)).toEqual([2, 1]);
    expect(item.attempt).toBe(2);
  });

  it('work item attempt counts each lock, including expired ones', async () => {
    const s = await fresh();
    await s.enqueueWorkItem(activity('a', 2));
    expect((await s.fetchWorkItem('activity', SHORT))?.attempt).toBe(1);
    await sleep(SHORT + 30);
    expect((await s.fetchWorkItem('activity', LONG))?.attempt).toBe(2);
  });
}
