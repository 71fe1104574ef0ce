/** The execution cache must be invisible: the same histories with it on and off. */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/runtime/history.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An event without what differs from run to run (wall-clock times). */
function shapeOf(e: HistoryEvent): Record<string, unknown> {
  const { timestampMs: _t, ...rest } = e as HistoryEvent & { fireAtMs?: number };
  if ('fireAtMs' in rest) delete (rest as { fireAtMs?: number }).fireAtMs;
  return rest;
}

async function runWith(executionCache: boolean) {
  const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger, executionCache, idlePollMs: 5 });
  // The fan-out's second branch finishes 50 ms after the first, so completions are recorded
  // in the same order on every run and the histories can be compared event by event.
  runtime.registerActivity('add', async (_c, n: number) => (n === 200 ? await sleep(50) : undefined, n + 1));
  runtime.registerOrchestration('mixed', async (ctx, n: number) => {
    let x = n;
    for (let i = 0; i < 5; i++) x = await ctx.scheduleActivity<number>('add', x);
    const [a, b] = await ctx.all([ctx.scheduleActivity<number>('add', 100), ctx.scheduleActivity<number>('add', 200)]);
    await ctx.scheduleTimer(1);
    ctx.setCustomStatus({ x, a, b });
    const raced = await ctx.race(ctx.scheduleActivity('add', 1), ctx.scheduleTimer(5_000));
    return { x, a, b, raced: raced.index };
  });
  await runtime.start();
  const ids = await Promise.all([0, 1, 2].map((n) => runtime.client.startOrchestration('mixed', n, { instanceId: `i${n}` })));
  const outputs = await Promise.all(ids.map((id) => runtime.client.getResult(id)));
  const histories = await Promise.all(ids.map((id) => runtime.client.readHistory(id)));
  await runtime.shutdown();
  return { outputs, histories: histories.map((h) => h.map(shapeOf)) };
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
    for (const h of on.histories) expect(new Set(h.map((e) => e.eventId)).size).toBe(h.length);
    // Event by event: kinds, ids, sources, names, inputs, results, statuses.
    expect(on.histories).toEqual(off.histories);
    expect(on.histories[0].map((e) => e.kind)).toContain('CustomStatusUpdated');
  });
});
