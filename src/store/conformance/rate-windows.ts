/** Optional `takeRateLimit`: sliding windows shared by every runtime on the store. */
import { expect, it } from 'vitest';
import { sleep } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function rateWindowCases({ fresh }: StoreKit): void {
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

  it('rate limit windows are independent per key', async (ctx) => {
    const s = await fresh();
    if (!s.takeRateLimit) return ctx.skip('optional capability: this store has no takeRateLimit');
    expect(await s.takeRateLimit({ key: 'a', limit: 1, windowMs: 10_000, cost: 1 })).toBe(0);
    expect(await s.takeRateLimit({ key: 'a', limit: 1, windowMs: 10_000, cost: 1 })).toBeGreaterThan(0);
    expect(await s.takeRateLimit({ key: 'b', limit: 1, windowMs: 10_000, cost: 1 })).toBe(0);
  });
}
