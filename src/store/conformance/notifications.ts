/** Optional `onWork`: wake-up notices for new work. */
import { expect, it } from 'vitest';
import { start, activity, sleep } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function notificationCases({ fresh }: StoreKit): void {
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
}
