/**
 * The execution cache is bounded by bytes as well as by entries: instances holding large
 * histories are evicted (least recently used first) instead of growing memory without bound,
 * and evicted instances still finish correctly by replaying.
 */
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../runtime/runtime-harness.js';

describe('execution cache memory bound', () => {
  it('30 waiting instances holding 1 MB each stay within an 8 MiB cache, and all complete after eviction', async () => {
    const maxBytes = 8 * 1024 * 1024;
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('blob', async (_a, i: number) => `${i}`.padEnd(1024 * 1024, '.'));
        rt.registerOrchestration('holds-a-megabyte', async (ctx, i: number) => {
          const blob = await ctx.scheduleActivity<string>('blob', i);
          const go = await ctx.waitForEvent<string>('go');
          return `${blob.length}:${go}`;
        });
      },
      { executionCache: { maxEntries: 1000, maxBytes } },
    );
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await runtime.client.startOrchestration('holds-a-megabyte', i));
    for (const id of ids) {
      for (let t = 0; t < 1000 && !(await runtime.client.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'); t++) {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const stats = runtime.executionCacheStats()!;
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
    expect(stats.bytes).toBeGreaterThan(4 * 1024 * 1024); // it does cache what fits
    expect(stats.entries).toBeLessThanOrEqual(8);
    for (const id of ids) await runtime.client.raiseEvent(id, 'go', 'now');
    for (const id of ids) expect(await runtime.client.getResult(id, { timeoutMs: 20_000 })).toBe('1048576:now');
    expect(runtime.executionCacheStats()!.entries).toBe(0); // finished instances leave the cache
  });
});
