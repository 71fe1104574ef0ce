/** Delayed visibility: timers and delayed work stay hidden until their time. */
import { expect, it } from 'vitest';
import { event, activity, started, commit, sleep, LONG, SHORT } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function delayedMessageCases({ withStartedInstance, withFetchedStart }: StoreKit): void {
  it('delayed messages (timers) become visible only at visibleAtMs', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueOrchestratorMessage({ kind: 'TimerFired', instanceId: 'a', executionId: 1, sourceEventId: 2, fireAtMs: 0 }, { visibleAtMs: Date.now() + SHORT * 2 });
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
    await sleep(SHORT * 2 + 30);
    expect((await s.fetchOrchestrationItem(LONG))?.messages[0].message.kind).toBe('TimerFired');
  });

  it('a delayed message is not part of an item fetched before it is visible', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueOrchestratorMessage(event('a', 'now'));
    await s.enqueueOrchestratorMessage(event('a', 'later'), { visibleAtMs: Date.now() + LONG });
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect(item.messages.map((m) => (m.message as { name: string }).name)).toEqual(['now']);
    await s.ackOrchestrationItem(item.lockToken, commit());
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
  });

  it('ack can enqueue a delayed orchestrator message', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.ackOrchestrationItem(
      item.lockToken,
      commit({ historyDelta: [started()], orchestratorMessages: [{ message: event('a', 'timer'), visibleAtMs: Date.now() + SHORT * 2 }] }),
    );
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
    await sleep(SHORT * 2 + 30);
    expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
  });
}

export function delayedWorkCases({ fresh }: StoreKit): void {
  it('a delayed work item is invisible until visibleAtMs', async () => {
    const s = await fresh();
    await s.enqueueWorkItem(activity('a', 2), { visibleAtMs: Date.now() + SHORT * 2 });
    expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
    await sleep(SHORT * 2 + 30);
    expect(await s.fetchWorkItem('activity', LONG)).not.toBeNull();
  });
}
