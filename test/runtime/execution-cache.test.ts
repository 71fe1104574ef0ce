/** The execution cache must be invisible: the same histories with it on and off. */
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';

async function runWith(executionCache: boolean) {
  const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger, executionCache, idlePollMs: 5 });
  runtime.registerActivity('add', async (_c, n: number) => n + 1);
  runtime.registerOrchestration('mixed', async (ctx, n: number) => {
    let x = n;
    for (let i = 0; i < 5; i++) x = await ctx.scheduleActivity<number>('add', x);
    const [a, b] = await ctx.all([ctx.scheduleActivity<number>('add', 100), ctx.scheduleActivity<number>('add', 200)]);
    await ctx.scheduleTimer(1);
    const raced = await ctx.race(ctx.scheduleActivity('add', 1), ctx.scheduleTimer(5_000));
    return { x, a, b, raced: raced.index };
  });
  await runtime.start();
  const ids = await Promise.all([0, 1, 2].map((n) => runtime.client.startOrchestration('mixed', n, { instanceId: `i${n}` })));
  const outputs = await Promise.all(ids.map((id) => runtime.client.getResult(id)));
  const histories = await Promise.all(ids.map((id) => runtime.client.readHistory(id)));
  await runtime.shutdown();
  // Timestamps and fire times differ run to run; the sequence of events must not.
  const shape = histories.map((h) => h.map((e) => ({ id: e.eventId, kind: e.kind, src: 'sourceEventId' in e ? e.sourceEventId : undefined })));
  return { outputs, shape };
}

describe('execution cache', () => {
  it('produces the same results and history shape with the cache on and off', async () => {
    const on = await runWith(true);
    const off = await runWith(false);
    expect(on.outputs).toEqual([
      { x: 5, a: 101, b: 201, raced: 0 },
      { x: 6, a: 101, b: 201, raced: 0 },
      { x: 7, a: 101, b: 201, raced: 0 },
    ]);
    expect(on.outputs).toEqual(off.outputs);
    for (const h of on.shape) expect(new Set(h.map((e) => e.id)).size).toBe(h.length);
    expect(on.shape.map((h) => h.length)).toEqual(off.shape.map((h) => h.length));
  });
});
