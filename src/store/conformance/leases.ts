/** Locks are leases: they expire, can be renewed or abandoned, and a lost lease writes nothing. */
import { expect, it } from 'vitest';
import { LockLostError } from '../errors.js';
import { activity, started, commit, sleep, LONG, SHORT } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function orchestrationLeaseCases({ fresh, withFetchedStart }: StoreKit): void {
  it('ack with an unknown lock token throws LockLostError', async () => {
    const s = await fresh();
    await expect(s.ackOrchestrationItem('no-such-token', commit())).rejects.toBeInstanceOf(LockLostError);
  });

  it('after lock expiry another fetcher gets the instance', async () => {
    const { s, item: first } = await withFetchedStart('a', SHORT);
    expect(await s.fetchOrchestrationItem(SHORT)).toBeNull();
    await sleep(SHORT + 30);
    const second = (await s.fetchOrchestrationItem(LONG))!;
    expect(second.instanceId).toBe(first.instanceId);
    expect(second.lockToken).not.toBe(first.lockToken);
  });

  it('ack with an expired token throws LockLostError and writes nothing', async () => {
    const { s, item: first } = await withFetchedStart('a', SHORT);
    await sleep(SHORT + 30);
    await expect(s.ackOrchestrationItem(first.lockToken, commit({ historyDelta: [started()] }))).rejects.toBeInstanceOf(LockLostError);
    expect(await s.readHistory('a')).toEqual([]);
    expect((await s.fetchOrchestrationItem(LONG))?.messages).toHaveLength(1);
  });

  it('ack with a stolen token throws LockLostError; the new owner can ack', async () => {
    const { s, item: first } = await withFetchedStart('a', SHORT);
    await sleep(SHORT + 30);
    const second = (await s.fetchOrchestrationItem(LONG))!;
    await expect(s.ackOrchestrationItem(first.lockToken, commit({ historyDelta: [started()] }))).rejects.toBeInstanceOf(LockLostError);
    await s.ackOrchestrationItem(second.lockToken, commit({ historyDelta: [started()] }));
    expect(await s.readHistory('a')).toHaveLength(1);
  });

  it('renewing the orchestration lock extends the lease', async () => {
    const { s, item } = await withFetchedStart('a', SHORT * 2);
    await sleep(SHORT);
    await s.renewOrchestrationLock(item.lockToken, LONG);
    await sleep(SHORT + 30);
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()] }));
  });

  it('renewing an expired orchestration lock throws LockLostError', async () => {
    const { s, item } = await withFetchedStart('a', SHORT);
    await sleep(SHORT + 30);
    await expect(s.renewOrchestrationLock(item.lockToken, LONG)).rejects.toBeInstanceOf(LockLostError);
  });

  it('abandon releases the lock and the messages are visible again', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.abandonOrchestrationItem(item.lockToken);
    expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
  });

  it('abandon with a delay hides the messages until then', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.abandonOrchestrationItem(item.lockToken, { delayMs: SHORT * 2 });
    expect(await s.fetchOrchestrationItem(LONG)).toBeNull();
    await sleep(SHORT * 2 + 30);
    expect((await s.fetchOrchestrationItem(LONG))?.instanceId).toBe('a');
  });
}

export function workItemLeaseCases({ fresh }: StoreKit): void {
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
}
