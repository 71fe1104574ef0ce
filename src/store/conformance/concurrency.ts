/** Concurrent fetchers: every item once, never one instance twice. */
import { expect, it } from 'vitest';
import { start, activity, started, commit, LONG } from './fixtures.js';
import type { StoreKit } from './kit.js';
import { LockLostError } from '../errors.js';

export function concurrencyCases({ fresh }: StoreKit): void {
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
}

/**
 * Many commits in flight at once (what a store may group into one transaction): each one
 * settles with its own outcome, and a failing one writes nothing while the others are kept.
 */
export function simultaneousAckCases({ fresh }: StoreKit): void {
  it('turn commits made at once each settle on their own: a lost lock and a duplicate event id fail alone', async () => {
    const s = await fresh();
    const ids = ['g0', 'g1', 'g2', 'g3', 'g4'];
    for (const id of ids) await s.createInstance(start(id));
    const items = [];
    for (let i = 0; i < ids.length; i++) items.push((await s.fetchOrchestrationItem(LONG))!);
    const byId = new Map(items.map((it) => [it.instanceId, it]));
    // g3 already has event 1: committing event 1 again must fail (and only g3's commit).
    await s.ackOrchestrationItem(byId.get('g3')!.lockToken, commit({ historyDelta: [started()] }));
    const outcomes = await Promise.allSettled(
      ids.map((id) => {
        const token = id === 'g1' ? 'not-a-held-lock' : byId.get(id)!.lockToken;
        return s.ackOrchestrationItem(token, commit({ historyDelta: [started()], workItems: [activity(id, 2)] }));
      }),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(LockLostError);
    for (const id of ['g0', 'g2', 'g4']) expect((await s.readHistory(id)).map((e) => e.eventId)).toEqual([1]);
    expect(await s.readHistory('g1')).toEqual([]);
    expect(await s.readHistory('g3')).toHaveLength(1); // the first commit only
    const work: string[] = [];
    for (let w = await s.fetchWorkItem('activity', LONG); w; w = await s.fetchWorkItem('activity', LONG)) work.push(w.item.instanceId);
    expect(work.sort()).toEqual(['g0', 'g2', 'g4']);
  });

  it('work acks made at once each settle on their own: an expired lease fails alone', async () => {
    const s = await fresh();
    for (let i = 0; i < 4; i++) await s.enqueueWorkItem(activity(`w${i}`, i + 2));
    const locked = [];
    for (let i = 0; i < 4; i++) locked.push((await s.fetchWorkItem('activity', LONG))!);
    const outcomes = await Promise.allSettled(
      locked.map((w, i) => s.ackWorkItem(i === 2 ? 'not-a-held-lock' : w.lockToken, null)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(LockLostError);
  });
}
