/**
 * Plain timers inside orchestration code are caught where they are called (NonDurableAwaitError
 * naming the ctx alternative), even when the code catches the error; the same timers in
 * activities and in the rest of the process keep working.
 */
import { setTimeout as sleepPromise } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../runtime/runtime-harness.js';

describe('non-durable awaits inside orchestrations', () => {
  it('awaiting setImmediate fails the instance with NonDurableAwaitError', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('step', async () => 1);
      rt.registerOrchestration('yields-to-the-loop', async (ctx) => {
        await ctx.scheduleActivity('step');
        await new Promise((r) => setImmediate(r));
        return 'continued';
      });
    });
    const info = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('yields-to-the-loop'));
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('NonDurableAwaitError');
    expect(info.error?.message).toContain('setImmediate() was called in orchestration code');
    expect(info.error?.message).toContain('ctx.scheduleTimer');
  });

  it('Promise.race of a ctx task with a plain setTimeout fails the instance, even when the error is caught', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('slow', async () => (await sleepPromise(200), 'done'));
      rt.registerOrchestration('races-a-plain-timer', async (ctx) => {
        try {
          return await Promise.race([ctx.scheduleActivity('slow'), new Promise((r) => setTimeout(() => r('timeout'), 50))]);
        } catch {
          return 'swallowed';
        }
      });
    });
    const info = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('races-a-plain-timer'));
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('NonDurableAwaitError');
    expect(info.error?.message).toContain('setTimeout() was called in orchestration code');
  });

  it('timers/promises inside an orchestration is caught the same way', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('sleeps-plainly', async () => {
        await sleepPromise(10);
        return 'woke';
      });
    });
    const info = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('sleeps-plainly'));
    expect(info.error?.name).toBe('NonDurableAwaitError');
  });

  it('activities and code outside orchestrations use timers as usual while turns run', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('naps', async (_a, ms: number) => {
        await new Promise((r) => setTimeout(r, ms));
        await new Promise((r) => setImmediate(r));
        await sleepPromise(ms);
        return ms;
      });
      rt.registerOrchestration('fan', async (ctx) => {
        const naps = await ctx.all([10, 20, 30].map((ms) => ctx.scheduleActivity<number>('naps', ms)));
        await ctx.scheduleTimer(5);
        return naps;
      });
    });
    const ids = await Promise.all([1, 2, 3].map(() => runtime.client.startOrchestration('fan')));
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    for (const id of ids) expect(await runtime.client.getResult(id)).toEqual([10, 20, 30]);
    clearInterval(interval);
    expect(ticks).toBeGreaterThan(0);
  });
});
