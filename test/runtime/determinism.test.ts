/** Replays must decide the same way every time, and code that drifts from history must be caught. */
import { describe, expect, it } from 'vitest';
import type { OrchestrationContext } from '../../src/runtime/context-api.js';
import { startRuntime, stopRuntime } from './runtime-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('determinism', () => {
  it('race between an activity and a timer decides the same way on every replay', async () => {
    const seen: number[] = [];
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('slow', async () => {
          await sleep(300);
          return 'late';
        });
        rt.registerOrchestration('racer', async (ctx: OrchestrationContext) => {
          const first = await ctx.race(ctx.scheduleActivity('slow'), ctx.scheduleTimer(20));
          seen.push(first.index);
          // More turns after the race force replays of it (execution cache off).
          await ctx.scheduleTimer(1);
          await ctx.scheduleTimer(1);
          return first.index;
        });
      },
      { executionCache: false },
    );
    const id = await runtime.client.startOrchestration('racer');
    const info = await runtime.client.waitForOrchestration(id, { timeoutMs: 10_000 });
    expect(info.output).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen)).toEqual(new Set([1]));
  });

  it('all returns results in schedule order, not completion order', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('wait', async (_ctx, ms: number) => {
        await sleep(ms);
        return ms;
      });
      rt.registerOrchestration('fan', async (ctx) => ctx.all([ctx.scheduleActivity('wait', 60), ctx.scheduleActivity('wait', 5), ctx.scheduleActivity('wait', 30)]));
    });
    const id = await runtime.client.startOrchestration('fan');
    expect(await runtime.client.getResult(id)).toEqual([60, 5, 30]);
  });

  it('newGuid and utcNow are stable across replay', async () => {
    const guids = new Set<string>();
    const clocks = new Set<number>();
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerOrchestration('stable', async (ctx) => {
          const g = ctx.newGuid();
          const t = ctx.utcNow();
          guids.add(g);
          clocks.add(t);
          await ctx.scheduleTimer(1);
          await ctx.scheduleTimer(1);
          return { g, t };
        });
      },
      { executionCache: false },
    );
    const id = await runtime.client.startOrchestration('stable');
    const out = (await runtime.client.getResult(id)) as { g: string; t: number };
    expect(guids.size).toBe(1);
    expect(clocks.size).toBe(1);
    expect(out.g).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(out.t - Date.now())).toBeLessThan(10_000);
  });

  describe('NondeterminismError', () => {
    /** Runs v1 until it waits for an event, then restarts on the same file with changed code. */
    async function driftAfterRestart(changed: (ctx: OrchestrationContext) => Promise<unknown>) {
      const original = async (ctx: OrchestrationContext) => {
        await ctx.scheduleActivity('A', { n: 1 });
        await ctx.waitForEvent('go');
        return 'done';
      };
      const first = await startRuntime((rt) => {
        rt.registerActivity('A', async () => 'a');
        rt.registerActivity('B', async () => 'b');
        rt.registerOrchestration('drift', original);
      });
      const id = await first.runtime.client.startOrchestration('drift');
      for (let i = 0; i < 200; i++) {
        const h = await first.runtime.client.readHistory(id);
        if (h.some((e) => e.kind === 'ExternalSubscribed')) break;
        await sleep(10);
      }
      await stopRuntime(first.runtime);
      const second = await startRuntime(
        (rt) => {
          rt.registerActivity('A', async () => 'a');
          rt.registerActivity('B', async () => 'b');
          rt.registerOrchestration('drift', changed);
        },
        { path: first.path },
      );
      await second.runtime.client.raiseEvent(id, 'go', null);
      const info = await second.runtime.client.waitForOrchestration(id, { timeoutMs: 10_000 });
      expect(info.status).toBe('Failed');
      expect(info.error?.name).toBe('NondeterminismError');
      return info.error!.message;
    }

    it('code that schedules activity B where history recorded A', async () => {
      const msg = await driftAfterRestart(async (ctx) => {
        await ctx.scheduleActivity('B', { n: 1 });
        await ctx.waitForEvent('go');
      });
      expect(msg).toContain('ActivityScheduled "A"');
      expect(msg).toContain('scheduleActivity("B")');
    });

    it('a changed activity input', async () => {
      const msg = await driftAfterRestart(async (ctx) => {
        await ctx.scheduleActivity('A', { n: 2 });
        await ctx.waitForEvent('go');
      });
      expect(msg).toContain('different input');
    });

    it('an activity where history has a timer', async () => {
      const msg = await driftAfterRestart(async (ctx) => {
        await ctx.scheduleTimer(5);
        await ctx.waitForEvent('go');
      });
      expect(msg).toContain('ActivityScheduled "A"');
      expect(msg).toContain('scheduleTimer');
    });

    it('history that has a schedule the code no longer makes', async () => {
      const msg = await driftAfterRestart(async (ctx) => {
        await ctx.waitForEvent('go');
      });
      expect(msg).toMatch(/ActivityScheduled "A"|no longer/);
    });
  });

  it('awaiting something that is not durable is reported clearly', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('leaky', async () => {
        await new Promise((r) => setTimeout(r, 50));
        return 1;
      });
    });
    const id = await runtime.client.startOrchestration('leaky');
    const info = await runtime.client.waitForOrchestration(id, { timeoutMs: 10_000 });
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('NonDurableAwaitError');
  });
});
