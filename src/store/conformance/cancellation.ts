/**
 * Schedules a turn cancelled (race losers): the commit deletes their queued or locked work
 * items and their TimerFired messages, of that instance and execution only.
 */
import { expect, it } from 'vitest';
import type { OrchestratorMessage } from '../../runtime/messages.js';
import { LockLostError } from '../errors.js';
import { LONG, activity, commit, sleep, started } from './fixtures.js';
import type { StoreKit } from './kit.js';

const timerFired = (instanceId: string, sourceEventId: number, executionId = 1): OrchestratorMessage => ({
  kind: 'TimerFired',
  instanceId,
  executionId,
  sourceEventId,
  fireAtMs: 0,
});

export function cancellationCases({ withStartedInstance, withFetchedStart }: StoreKit): void {
  it('a commit with cancelledWork deletes those work items of the instance, queued or locked, and no others', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()], workItems: [activity('a', 2), activity('a', 3), activity('a', 4, 'llm')] }));
    await s.enqueueWorkItem(activity('other', 2));
    const running = (await s.fetchWorkItem('activity', LONG))!;
    expect(running.item.eventId).toBe(2);
    await s.enqueueOrchestratorMessage({ kind: 'ExternalEvent', instanceId: 'a', name: 'e', data: null });
    const turn = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(turn.lockToken, commit({ cancelledWork: [2, 4] }));
    // The locked one is gone: its worker loses the lease.
    await expect(s.renewWorkItemLock(running.lockToken, LONG)).rejects.toBeInstanceOf(LockLostError);
    const left: number[] = [];
    for (let w = await s.fetchWorkItem('activity', LONG); w; w = await s.fetchWorkItem('activity', LONG)) left.push(w.item.eventId + (w.item.instanceId === 'other' ? 100 : 0));
    expect(left.sort()).toEqual([102, 3]);
    expect(await s.fetchWorkItem('llm', LONG)).toBeNull();
  });

  it('a commit with cancelledTimers deletes those TimerFired messages, even not yet visible, and keeps the rest', async () => {
    const s = await withStartedInstance('a');
    const later = Date.now() + 100;
    await s.enqueueOrchestratorMessage(timerFired('a', 5), { visibleAtMs: later });
    await s.enqueueOrchestratorMessage(timerFired('a', 6));
    await s.enqueueOrchestratorMessage(timerFired('a', 5, 2)); // same id, another execution: kept
    const turn = (await s.fetchOrchestrationItem(LONG))!;
    // The visible ones were fetched; the commit consumes them and cancels timer 5.
    expect(turn.messages.map((m) => m.message.kind)).toEqual(['TimerFired', 'TimerFired']);
    await s.ackOrchestrationItem(turn.lockToken, commit({ cancelledTimers: [5] }));
    await sleep(130); // past the cancelled timer's visibility: it would be fetched now if it were there
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
  });

  it('cancelled timers of one instance leave the same event ids of another instance alone', async () => {
    const s = await withStartedInstance('a');
    const b0 = (await s.fetchOrchestrationItem(LONG)) ?? null;
    expect(b0).toBeNull();
    await s.createInstance({ kind: 'StartOrchestration', instanceId: 'b', name: 'flow', input: null });
    const bStart = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(bStart.lockToken, commit({ historyDelta: [started()] }));
    await s.enqueueOrchestratorMessage(timerFired('b', 5), { visibleAtMs: Date.now() + 100 });
    await s.enqueueOrchestratorMessage({ kind: 'ExternalEvent', instanceId: 'a', name: 'e', data: null });
    const turn = (await s.fetchOrchestrationItem(LONG))!;
    expect(turn.instanceId).toBe('a');
    await s.ackOrchestrationItem(turn.lockToken, commit({ cancelledTimers: [5] }));
    await sleep(130);
    const b = await s.fetchOrchestrationItem(LONG);
    expect(b?.instanceId).toBe('b');
    expect(b?.messages.map((m) => m.message.kind)).toEqual(['TimerFired']);
  });
}
