/**
 * The store conformance kit: one set of named cases that every Store must pass unchanged.
 * Call `runStoreConformance(makeStore)` from a vitest test file; each case gets a fresh store
 * from `makeStore` and closes it afterwards.
 *
 * Lock expiry is tested with short leases (tens of milliseconds) and short waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../runtime/history.js';
import type { OrchestratorMessage, StartOrchestrationMessage, WorkItem } from '../runtime/messages.js';
import { InstanceAlreadyExistsError, LockLostError } from './errors.js';
import type { InstanceUpdate, Store, TurnCommit } from './store.js';

export interface ConformanceOptions {
  /** A label for the describe block (e.g. the store's class name). */
  name?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LONG = 30_000;
const SHORT = 60;

function start(instanceId: string, name = 'flow'): StartOrchestrationMessage {
  return { kind: 'StartOrchestration', instanceId, name, input: { n: 1 } };
}
function event(instanceId: string, name: string, data: unknown = null): OrchestratorMessage {
  return { kind: 'ExternalEvent', instanceId, name, data: data as never };
}
function activity(instanceId: string, eventId: number, queue: 'activity' | 'llm' = 'activity'): WorkItem {
  return queue === 'activity'
    ? { queue, kind: 'ExecuteActivity', instanceId, executionId: 1, eventId, name: 'act', input: eventId, orchestrationName: 'flow' }
    : { queue, kind: 'ExecuteLlm', instanceId, executionId: 1, eventId, operation: 'generate', provider: 'default', request: { prompt: 'hi' } };
}
function started(eventId = 1, executionId = 1): HistoryEvent {
  return { kind: 'OrchestrationStarted', eventId, timestampMs: 1, name: 'flow', version: '1.0.0', input: null, executionId };
}
function timerCreated(eventId: number): HistoryEvent {
  return { kind: 'TimerCreated', eventId, timestampMs: 1, fireAtMs: 2 };
}
const running: InstanceUpdate = { name: 'flow', version: '1.0.0', status: 'Running' };
function commit(partial: Partial<TurnCommit> = {}): TurnCommit {
  return { executionId: 1, historyDelta: [], instance: running, workItems: [], orchestratorMessages: [], ...partial };
}

export function runStoreConformance(makeStore: () => Store | Promise<Store>, opts: ConformanceOptions = {}): void {
  describe(`store conformance${opts.name ? `: ${opts.name}` : ''}`, () => {
    let open: Store[] = [];
    afterEach(async () => {
      for (const s of open) await s.close().catch(() => {});
      open = [];
    });
    async function fresh(): Promise<Store> {
      const s = await makeStore();
      await s.init();
      open.push(s);
      return s;
    }
    /** A store with instance `id` started, its first turn committed with `delta`. */
    async function withStartedInstance(id: string, delta: HistoryEvent[] = [started()]): Promise<Store> {
      const s = await fresh();
      await s.createInstance(start(id));
      const item = (await s.fetchOrchestrationItem(LONG))!;
      await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: delta }));
      return s;
    }

    describe('instances', () => {
      it('createInstance makes a Pending instance and queues its start', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const info = await s.getInstance('a');
        expect(info).toMatchObject({ instanceId: 'a', name: 'flow', status: 'Pending', executionId: 0, version: null });
        const item = await s.fetchOrchestrationItem(LONG);
        expect(item?.messages.map((m) => m.message.kind)).toEqual(['StartOrchestration']);
      });

      it('a duplicate instance id throws InstanceAlreadyExistsError and changes nothing', async () => {
        const s = await fresh();
        await s.createInstance(start('a', 'first'));
        await expect(s.createInstance(start('a', 'second'))).rejects.toBeInstanceOf(InstanceAlreadyExistsError);
        expect((await s.getInstance('a'))?.name).toBe('first');
        const item = await s.fetchOrchestrationItem(LONG);
        expect(item?.messages).toHaveLength(1);
      });

      it('getInstance of an unknown id is null', async () => {
        expect(await (await fresh()).getInstance('nope')).toBeNull();
      });

      it('listInstances filters by status and name and pages with limit/offset', async () => {
        const s = await fresh();
        for (const id of ['i1', 'i2', 'i3', 'i4']) await s.createInstance(start(id, id === 'i4' ? 'other' : 'flow'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
        await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()], instance: { ...running, status: 'Completed', output: 1 } }));
        expect((await s.listInstances()).map((i) => i.instanceId).sort()).toEqual(['i1', 'i2', 'i3', 'i4']);
        expect((await s.listInstances({ status: 'Completed' })).map((i) => i.instanceId)).toEqual([item.instanceId]);
        expect((await s.listInstances({ name: 'other' })).map((i) => i.instanceId)).toEqual(['i4']);
        const page1 = await s.listInstances({ limit: 2 });
        const page2 = await s.listInstances({ limit: 2, offset: 2 });
        expect(page1).toHaveLength(2);
        expect(new Set([...page1, ...page2].map((i) => i.instanceId)).size).toBe(4);
      });

      it('ack writes the instance row: status, output, error, custom status, version', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
        await s.ackOrchestrationItem(
          item.lockToken,
          commit({ historyDelta: [started()], instance: { ...running, status: 'Failed', error: { name: 'E', message: 'm' }, customStatus: { step: 2 } } }),
        );
        expect(await s.getInstance('a')).toMatchObject({ status: 'Failed', error: { name: 'E', message: 'm' }, customStatus: { step: 2 }, version: '1.0.0', executionId: 1 });
      });

      it('JSON values round-trip exactly (unicode, nesting, numbers)', async () => {
        const s = await fresh();
        const data = { text: 'héllo 👋 \u0000 "quoted" \\ back', nested: { list: [1, 2.5, -3e-7, null, true], empty: {} } };
        await s.createInstance({ ...start('a'), input: data as never });
        const item = (await s.fetchOrchestrationItem(LONG))!;
        expect((item.messages[0].message as StartOrchestrationMessage).input).toEqual(data);
        await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()], instance: { ...running, output: data as never } }));
        expect((await s.getInstance('a'))?.output).toEqual(data);
      });
    });

    describe('orchestrator queue', () => {
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

      it('ack appends history, deletes the item messages and releases the lock', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
        await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started(), timerCreated(2)] }));
        expect((await s.readHistory('a')).map((e) => e.kind)).toEqual(['OrchestrationStarted', 'TimerCreated']);
        expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
        await s.enqueueOrchestratorMessage(event('a', 'x'));
        expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
      });

      it('ack enqueues work items and orchestrator messages (for itself and others)', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
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

      it('ack with an unknown lock token throws LockLostError', async () => {
        const s = await fresh();
        await expect(s.ackOrchestrationItem('no-such-token', commit())).rejects.toBeInstanceOf(LockLostError);
      });

      it('after lock expiry another fetcher gets the instance', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const first = (await s.fetchOrchestrationItem(SHORT))!;
        expect(await s.fetchOrchestrationItem(SHORT)).toBeNull();
        await sleep(SHORT + 30);
        const second = (await s.fetchOrchestrationItem(LONG))!;
        expect(second.instanceId).toBe(first.instanceId);
        expect(second.lockToken).not.toBe(first.lockToken);
      });

      it('ack with an expired token throws LockLostError and writes nothing', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const first = (await s.fetchOrchestrationItem(SHORT))!;
        await sleep(SHORT + 30);
        await expect(s.ackOrchestrationItem(first.lockToken, commit({ historyDelta: [started()] }))).rejects.toBeInstanceOf(LockLostError);
        expect(await s.readHistory('a')).toEqual([]);
        expect((await s.fetchOrchestrationItem(LONG))?.messages).toHaveLength(1);
      });

      it('ack with a stolen token throws LockLostError; the new owner can ack', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const first = (await s.fetchOrchestrationItem(SHORT))!;
        await sleep(SHORT + 30);
        const second = (await s.fetchOrchestrationItem(LONG))!;
        await expect(s.ackOrchestrationItem(first.lockToken, commit({ historyDelta: [started()] }))).rejects.toBeInstanceOf(LockLostError);
        await s.ackOrchestrationItem(second.lockToken, commit({ historyDelta: [started()] }));
        expect(await s.readHistory('a')).toHaveLength(1);
      });

      it('renewing the orchestration lock extends the lease', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(SHORT * 2))!;
        await sleep(SHORT);
        await s.renewOrchestrationLock(item.lockToken, LONG);
        await sleep(SHORT + 30);
        expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
        await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()] }));
      });

      it('renewing an expired orchestration lock throws LockLostError', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(SHORT))!;
        await sleep(SHORT + 30);
        await expect(s.renewOrchestrationLock(item.lockToken, LONG)).rejects.toBeInstanceOf(LockLostError);
      });

      it('abandon releases the lock and the messages are visible again', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
        await s.abandonOrchestrationItem(item.lockToken);
        expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
      });

      it('abandon with a delay hides the messages until then', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
        await s.abandonOrchestrationItem(item.lockToken, { delayMs: SHORT * 2 });
        expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
        await sleep(SHORT * 2 + 30);
        expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
      });

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
        const s = await fresh();
        await s.createInstance(start('a'));
        const item = (await s.fetchOrchestrationItem(LONG))!;
        await s.ackOrchestrationItem(
          item.lockToken,
          commit({ historyDelta: [started()], orchestratorMessages: [{ message: event('a', 'timer'), visibleAtMs: Date.now() + SHORT * 2 }] }),
        );
        expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
        await sleep(SHORT * 2 + 30);
        expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
      });
    });

    describe('attempts and poison counting', () => {
      it('attempt counts each lock of a message, starting at 1', async () => {
        const s = await fresh();
        await s.createInstance(start('a'));
        const one = (await s.fetchOrchestrationItem(LONG))!;
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
    });

    describe('continue-as-new executions', () => {
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
    });

    describe('work queue', () => {
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

      it('ackWorkItem after the lease expired throws LockLostError and enqueues nothing', async () => {
        const s = await fresh();
        await s.enqueueWorkItem(activity('a', 2));
        const w = (await s.fetchWorkItem('activity', SHORT))!;
        await sleep(SHORT + 30);
        await expect(s.ackWorkItem(w.lockToken, { kind: 'ActivityCompleted', instanceId: 'a', executionId: 1, sourceEventId: 2, result: 1 })).rejects.toBeInstanceOf(
          LockLostError,
        );
        expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
        expect(await s.fetchWorkItem('activity', LONG)).not.toBeNull();
      });

      it('ackWorkItem with a stolen token throws LockLostError; the new owner acks', async () => {
        const s = await fresh();
        await s.enqueueWorkItem(activity('a', 2));
        const first = (await s.fetchWorkItem('activity', SHORT))!;
        await sleep(SHORT + 30);
        const second = (await s.fetchWorkItem('activity', LONG))!;
        await expect(s.ackWorkItem(first.lockToken, null)).rejects.toBeInstanceOf(LockLostError);
        await s.ackWorkItem(second.lockToken, null);
      });

      it('renewing a work item lock extends its lease', async () => {
        const s = await fresh();
        await s.enqueueWorkItem(activity('a', 2));
        const w = (await s.fetchWorkItem('activity', SHORT * 2))!;
        await sleep(SHORT);
        await s.renewWorkItemLock(w.lockToken, LONG);
        await sleep(SHORT + 30);
        expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
        await s.ackWorkItem(w.lockToken, null);
      });

      it('renewing an expired work item lock throws LockLostError', async () => {
        const s = await fresh();
        await s.enqueueWorkItem(activity('a', 2));
        const w = (await s.fetchWorkItem('activity', SHORT))!;
        await sleep(SHORT + 30);
        await expect(s.renewWorkItemLock(w.lockToken, LONG)).rejects.toBeInstanceOf(LockLostError);
      });

      it('abandonWorkItem makes the item visible again, after an optional delay', async () => {
        const s = await fresh();
        await s.enqueueWorkItem(activity('a', 2));
        const w = (await s.fetchWorkItem('activity', LONG))!;
        await s.abandonWorkItem(w.lockToken, { delayMs: SHORT * 2 });
        expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
        await sleep(SHORT * 2 + 30);
        expect((await s.fetchWorkItem('activity', LONG))?.id).toBe(w.id);
      });

      it('a delayed work item is invisible until visibleAtMs', async () => {
        const s = await fresh();
        await s.enqueueWorkItem(activity('a', 2), { visibleAtMs: Date.now() + SHORT * 2 });
        expect(await s.fetchWorkItem('activity', LONG)).toBeNull();
        await sleep(SHORT * 2 + 30);
        expect(await s.fetchWorkItem('activity', LONG)).not.toBeNull();
      });
    });

    describe('concurrency', () => {
      it('concurrent work fetchers get every item exactly once', async () => {
        const s = await fresh();
        for (let i = 0; i < 50; i++) await s.enqueueWorkItem(activity(`i${i}`, i + 2));
        const seen: string[] = [];
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            for (;;) {
              const w = await s.fetchWorkItem('activity', LONG);
              if (!w) return;
              seen.push(w.id);
              await s.ackWorkItem(w.lockToken, null);
            }
          }),
        );
        expect(seen).toHaveLength(50);
        expect(new Set(seen).size).toBe(50);
      });

      it('concurrent orchestration fetchers never hold one instance twice', async () => {
        const s = await fresh();
        for (let i = 0; i < 30; i++) await s.createInstance(start(`i${i}`));
        const held = new Set<string>();
        const acked: string[] = [];
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            for (;;) {
              const item = await s.fetchOrchestrationItem(LONG);
              if (!item) return;
              expect(held.has(item.instanceId)).toBe(false);
              held.add(item.instanceId);
              await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()] }));
              held.delete(item.instanceId);
              acked.push(item.instanceId);
            }
          }),
        );
        expect(acked.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `i${i}`).sort());
      });
    });

    describe('optional capabilities', () => {
      it('onWork notifies listeners when work is enqueued', async (ctx) => {
        const s = await fresh();
        if (!s.onWork) return ctx.skip('optional capability: this store has no onWork');
        const seen: string[] = [];
        const off = s.onWork((q) => seen.push(q));
        await s.createInstance(start('a'));
        await s.enqueueWorkItem(activity('a', 2, 'llm'));
        for (let i = 0; i < 50 && seen.length < 2; i++) await sleep(10);
        off();
        expect(seen).toContain('orchestrator');
        expect(seen).toContain('llm');
      });

      it('takeRateLimit allows up to the limit in a window, then asks to wait', async (ctx) => {
        const s = await fresh();
        if (!s.takeRateLimit) return ctx.skip('optional capability: this store has no takeRateLimit');
        const req = { key: 'rpm', limit: 3, windowMs: 200, cost: 1 };
        expect(await s.takeRateLimit(req)).toBe(0);
        expect(await s.takeRateLimit(req)).toBe(0);
        expect(await s.takeRateLimit(req)).toBe(0);
        const wait = await s.takeRateLimit(req);
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(200);
        await sleep(wait + 20);
        expect(await s.takeRateLimit(req)).toBe(0);
      });

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

      it('rate limit windows are independent per key', async (ctx) => {
        const s = await fresh();
        if (!s.takeRateLimit) return ctx.skip('optional capability: this store has no takeRateLimit');
        expect(await s.takeRateLimit({ key: 'a', limit: 1, windowMs: 10_000, cost: 1 })).toBe(0);
        expect(await s.takeRateLimit({ key: 'a', limit: 1, windowMs: 10_000, cost: 1 })).toBeGreaterThan(0);
        expect(await s.takeRateLimit({ key: 'b', limit: 1, windowMs: 10_000, cost: 1 })).toBe(0);
      });
    });
  });
}
