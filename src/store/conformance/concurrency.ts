/** Concurrent fetchers: every item once, never one instance twice. */
import { expect, it } from 'vitest';
import { start, activity, started, commit, LONG } from './fixtures.js';
import type { StoreKit } from './kit.js';

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
