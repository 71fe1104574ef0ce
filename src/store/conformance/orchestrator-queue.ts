/** The orchestrator queue: one item per instance with all its visible messages, committed atomically by ack. */
import { expect, it } from 'vitest';
import { start, event, activity, started, timerCreated, running, commit, LONG } from './fixtures.js';
import type { StoreKit } from './kit.js';

/** Fetching: one locked item per instance, with every visible message, the instance row and the history. */
export function orchestratorFetchCases({ fresh, withStartedInstance }: StoreKit): void {
  it('fetch returns null when there is nothing to do', async () => {
    expect(await (await fresh()).fetchOrchestrationItem(LONG)).toBeNull();
  });

  it('all visible messages of one instance come in one item, in enqueue order', async () => {
    const s = await withStartedInstance('a');
    for (const n of ['e1', 'e2', 'e3']) await s.enqueueOrchestratorMessage(event('a', n));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect(item.messages.map((m) => (m.message as { name: string }).name)).toEqual(['e1', 'e2', 'e3']);
  });

  it('messages of other instances are not part of the item', async () => {
    const s = await fresh();
    await s.createInstance(start('a'));
    await s.createInstance(start('b'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect(new Set(item.messages.map((m) => m.message.instanceId))).toEqual(new Set([item.instanceId]));
  });

  it('a locked instance is not fetched again, but other instances are', async () => {
    const s = await fresh();
    await s.createInstance(start('a'));
    await s.createInstance(start('b'));
    const first = (await s.fetchOrchestrationItem(LONG))!;
    await s.enqueueOrchestratorMessage(event(first.instanceId, 'late'));
    const second = (await s.fetchOrchestrationItem(LONG))!;
    expect(second.instanceId).not.toBe(first.instanceId);
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
  });

  it('messages that arrive after the fetch stay queued after the ack', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueOrchestratorMessage(event('a', 'first'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.enqueueOrchestratorMessage(event('a', 'second'));
    await s.ackOrchestrationItem(item.lockToken, commit());
    const next = (await s.fetchOrchestrationItem(LONG))!;
    expect(next.messages.map((m) => (m.message as { name: string }).name)).toEqual(['second']);
  });

  it('the item carries the instance row and the current execution history', async () => {
    const s = await withStartedInstance('a', [started(), timerCreated(2)]);
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect(item.instance).toMatchObject({ instanceId: 'a', status: 'Running', executionId: 1 });
    expect(item.history.map((e) => e.eventId)).toEqual([1, 2]);
  });

  it('a matching knownHistory hint may omit the history; a stale hint never does', async () => {
    const s = await withStartedInstance('a', [started(), timerCreated(2)]);
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const stale = (await s.fetchOrchestrationItem(LONG, { knownHistory: () => ({ executionId: 1, lastEventId: 1 }) }))!;
    expect(stale.historyOmitted ?? false).toBe(false);
    expect(stale.history).toHaveLength(2);
    await s.abandonOrchestrationItem(stale.lockToken);
    const hinted = (await s.fetchOrchestrationItem(LONG, { knownHistory: () => ({ executionId: 1, lastEventId: 2 }) }))!;
    if (hinted.historyOmitted) expect(hinted.history).toEqual([]);
    else expect(hinted.history).toHaveLength(2);
  });
}

/** Committing a turn: all of it (history, instance row, new work and messages, lock release) or nothing. */
export function turnCommitCases({ withStartedInstance, withFetchedStart }: StoreKit): void {
  it('ack appends history, deletes the item messages and releases the lock', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started(), timerCreated(2)] }));
    expect((await s.readHistory('a')).map((e) => e.kind)).toEqual(['OrchestrationStarted', 'TimerCreated']);
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
  });

  it('ack enqueues work items and orchestrator messages (for itself and others)', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.ackOrchestrationItem(
      item.lockToken,
      commit({
        historyDelta: [started()],
        workItems: [activity('a', 2)],
        orchestratorMessages: [{ message: start('child') }, { message: event('a', 'self') }],
      }),
    );
    expect((await s.fetchWorkItem('activity', LONG))?.item).toMatchObject({ name: 'act', eventId: 2 });
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) ids.add((await s.fetchOrchestrationItem(LONG))!.instanceId);
    expect(ids).toEqual(new Set(['a', 'child']));
  });

  it('ack is atomic: a duplicate event id fails the whole ack and changes nothing', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await expect(
      s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [timerCreated(2), started(1)], workItems: [activity('a', 3)], instance: { ...running, status: 'Completed' } })),
    ).rejects.toThrow();
    expect((await s.readHistory('a')).map((e) => e.eventId)).toEqual([1]);
    expect((await s.getInstance('a'))?.status).toBe('Running');
    expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
    // The lock is still held and the messages are still there.
    await s.abandonOrchestrationItem(item.lockToken);
    expect((await s.fetchOrchestrationItem(LONG))?.messages).toHaveLength(1);
  });
}
