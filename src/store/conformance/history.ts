/** History per execution: continue-as-new, reads by execution id, long histories. */
import { expect, it } from 'vitest';
import type { HistoryEvent } from '../../runtime/history.js';
import { event, started, timerCreated, commit, LONG } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function executionHistoryCases({ fresh, withStartedInstance }: StoreKit): void {
  it('an ack with executionId + 1 starts a new execution; the instance points at it', async () => {
    const s = await withStartedInstance('a');
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ executionId: 2, historyDelta: [started(1, 2)] }));
    expect((await s.getInstance('a'))?.executionId).toBe(2);
    expect(await s.listExecutions('a')).toEqual([1, 2]);
  });

  it('readHistory returns the current execution by default and any execution by id', async () => {
    const s = await withStartedInstance('a', [started(), timerCreated(2)]);
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ executionId: 2, historyDelta: [started(1, 2)] }));
    expect(await s.readHistory('a')).toHaveLength(1);
    expect((await s.readHistory('a', 1)).map((e) => e.kind)).toEqual(['OrchestrationStarted', 'TimerCreated']);
    expect((await s.readHistory('a', 2))[0]).toMatchObject({ executionId: 2 });
  });

  it('fetch returns the history of the current execution only', async () => {
    const s = await withStartedInstance('a', [started(), timerCreated(2)]);
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ executionId: 2, historyDelta: [started(1, 2)] }));
    await s.enqueueOrchestratorMessage(event('a', 'y'));
    const next = (await s.fetchOrchestrationItem(LONG))!;
    expect(next.history).toHaveLength(1);
    expect(next.instance?.executionId).toBe(2);
  });

  it('event ids restart per execution without conflicts', async () => {
    const s = await withStartedInstance('a', [started(), timerCreated(2)]);
    await s.enqueueOrchestratorMessage(event('a', 'x'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ executionId: 2, historyDelta: [started(1, 2), timerCreated(2)] }));
    expect((await s.readHistory('a', 2)).map((e) => e.eventId)).toEqual([1, 2]);
  });

  it('listExecutions and readHistory of an unknown instance are empty', async () => {
    const s = await fresh();
    expect(await s.listExecutions('nope')).toEqual([]);
    expect(await s.readHistory('nope')).toEqual([]);
  });

  it('a long history (2,000 events) reads back complete and in order', async () => {
    const events: HistoryEvent[] = [started()];
    for (let id = 2; id <= 2000; id++) events.push(timerCreated(id));
    const s = await withStartedInstance('a', events);
    const read = await s.readHistory('a');
    expect(read).toHaveLength(2000);
    expect(read.every((e, i) => e.eventId === i + 1)).toBe(true);
  });
}
