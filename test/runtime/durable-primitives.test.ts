/** Timers, external events, sub-orchestrations, continue-as-new, cancellation, fan-out. */
import { describe, expect, it } from 'vitest';
import type { OrchestrationContext } from '../../src/runtime/context-api.js';
import { startRuntime, stopRuntime } from './runtime-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForHistory(read: () => Promise<{ kind: string }[]>, kind: string, count = 1) {
  for (let i = 0; i < 500; i++) {
    if ((await read()).filter((e) => e.kind === kind).length >= count) return;
    await sleep(10);
  }
  throw new Error(`history never got ${count} ${kind}`);
}

describe('durable primitives', () => {
  it('a fan-out of 10 slow activities takes about as long as the slowest one', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('slow', async (_c, i: number) => {
        await sleep(400);
        return i;
      });
      rt.registerOrchestration('fanout', async (ctx) => ctx.all(Array.from({ length: 10 }, (_, i) => ctx.scheduleActivity('slow', i))));
    });
    const t0 = Date.now();
    const id = await runtime.client.startOrchestration('fanout');
    expect(await runtime.client.getResult(id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Date.now() - t0).toBeLessThan(400 * 3);
  });

  it('zero-length timers work', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('zero', async (ctx) => {
        await ctx.scheduleTimer(0);
        await ctx.scheduleTimer(0);
        return 'ok';
      });
    });
    const id = await runtime.client.startOrchestration('zero');
    expect(await runtime.client.getResult(id)).toBe('ok');
  });

  it('timers survive a restart before they fire', async () => {
    const setup = (rt: import('../../src/runtime/runtime.js').Runtime) =>
      rt.registerOrchestration('sleeper', async (ctx) => {
        await ctx.scheduleTimer(400);
        return 'woke';
      });
    const first = await startRuntime(setup);
    const id = await first.runtime.client.startOrchestration('sleeper');
    await waitForHistory(() => first.runtime.client.readHistory(id), 'TimerCreated');
    await stopRuntime(first.runtime);
    const second = await startRuntime(setup, { path: first.path });
    expect(await second.runtime.client.getResult(id, { timeoutMs: 10_000 })).toBe('woke');
  });

  it('timers survive a restart after they fire (fired while no runtime ran)', async () => {
    const setup = (rt: import('../../src/runtime/runtime.js').Runtime) =>
      rt.registerOrchestration('sleeper2', async (ctx) => {
        await ctx.scheduleTimer(50);
        return 'woke';
      });
    const first = await startRuntime(setup);
    const id = await first.runtime.client.startOrchestration('sleeper2');
    await waitForHistory(() => first.runtime.client.readHistory(id), 'TimerCreated');
    await stopRuntime(first.runtime);
    await sleep(150);
    const second = await startRuntime(setup, { path: first.path });
    expect(await second.runtime.client.getResult(id, { timeoutMs: 10_000 })).toBe('woke');
  });

  it('external events reach waitForEvent, including one raised before the wait', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('approval', async (ctx) => {
        await ctx.scheduleTimer(100);
        const a = await ctx.waitForEvent<string>('approve');
        const b = await ctx.waitForEvent<string>('approve');
        return [a, b];
      });
    });
    const id = await runtime.client.startOrchestration('approval');
    await runtime.client.raiseEvent(id, 'approve', 'early');
    await sleep(200);
    await runtime.client.raiseEvent(id, 'approve', 'late');
    expect(await runtime.client.getResult(id)).toEqual(['early', 'late']);
  });

  it('continueAsNew starts a fresh execution with fresh history; events raised for the old execution are not lost', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('step', async (_c, n: number) => n + 1);
      rt.registerOrchestration('counter', async (ctx, input: { n: number; got: string[] }) => {
        const n = await ctx.scheduleActivity<number>('step', input.n);
        if (n < 3) {
          await ctx.scheduleTimer(30);
          return ctx.continueAsNew({ n, got: input.got });
        }
        const msg = await ctx.waitForEvent<string>('msg');
        return { n, got: [...input.got, msg], execution: ctx.executionId };
      });
    });
    const id = await runtime.client.startOrchestration('counter', { n: 0, got: [] });
    // Raised while the first execution is still running: it must reach the last one.
    await runtime.client.raiseEvent(id, 'msg', 'hello');
    const out = (await runtime.client.getResult(id)) as { n: number; got: string[]; execution: number };
    expect(out).toEqual({ n: 3, got: ['hello'], execution: 3 });
    expect(await runtime.client.listExecutions(id)).toEqual([1, 2, 3]);
    const first = await runtime.client.readHistory(id, { executionId: 1 });
    const last = await runtime.client.readHistory(id);
    expect(first.at(-1)?.kind).toBe('OrchestrationContinuedAsNew');
    expect(last[0]).toMatchObject({ kind: 'OrchestrationStarted', executionId: 3, eventId: 1 });
    expect(last.at(-1)?.kind).toBe('OrchestrationCompleted');
  });

  it('a sub-orchestration failure surfaces in the parent as a catchable error; saga compensation runs in catch', async () => {
    const ran: string[] = [];
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('reserve', async () => void ran.push('reserve'));
      rt.registerActivity('release', async () => void ran.push('release'));
      rt.registerOrchestration('charge', async () => {
        throw new Error('card declined');
      });
      rt.registerOrchestration('order', async (ctx: OrchestrationContext) => {
        await ctx.scheduleActivity('reserve');
        try {
          await ctx.scheduleSubOrchestration('charge', { amount: 5 });
          return 'paid';
        } catch (err) {
          await ctx.scheduleActivity('release');
          return `compensated: ${(err as Error).message}`;
        }
      });
    });
    const id = await runtime.client.startOrchestration('order');
    expect(await runtime.client.getResult(id)).toMatch(/compensated: .*card declined/);
    expect(ran).toEqual(['reserve', 'release']);
  });

  it('cancellation of a parent cancels its children; cancelling twice is harmless; an activity observes it', async () => {
    let activitySawCancel = false;
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('long', async (actx) => {
          for (let i = 0; i < 200 && !actx.isCancelled(); i++) await sleep(10);
          activitySawCancel = actx.isCancelled();
          return 'stopped';
        });
        rt.registerOrchestration('child', async (ctx) => {
          await ctx.scheduleActivity('long');
          await ctx.waitForEvent('never');
        });
        rt.registerOrchestration('parent', async (ctx) => ctx.scheduleSubOrchestration('child', null, { instanceId: 'the-child' }));
      },
      { cancelCheckMs: 20 },
    );
    const id = await runtime.client.startOrchestration('parent');
    await waitForHistory(() => runtime.client.readHistory('the-child'), 'ActivityScheduled');
    await runtime.client.cancelInstance(id, 'user asked');
    await runtime.client.cancelInstance(id, 'user asked again');
    const parent = await runtime.client.waitForOrchestration(id);
    const child = await runtime.client.waitForOrchestration('the-child');
    expect(parent.status).toBe('Cancelled');
    expect(parent.error?.message).toContain('user asked');
    expect(child.status).toBe('Cancelled');
    for (let i = 0; i < 100 && !activitySawCancel; i++) await sleep(10);
    expect(activitySawCancel).toBe(true);
    await runtime.client.cancelInstance(id);
  });

  it('custom status is visible to the client while the orchestration runs', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('status', async (ctx) => {
        ctx.setCustomStatus({ step: 'waiting' });
        await ctx.waitForEvent('go');
        ctx.setCustomStatus({ step: 'done' });
        return 1;
      });
    });
    const id = await runtime.client.startOrchestration('status');
    await waitForHistory(() => runtime.client.readHistory(id), 'ExternalSubscribed');
    expect((await runtime.client.getStatus(id))?.customStatus).toEqual({ step: 'waiting' });
    await runtime.client.raiseEvent(id, 'go');
    const info = await runtime.client.waitForOrchestration(id);
    expect(info.customStatus).toEqual({ step: 'done' });
  });
});
