/**
 * What happens to the losers of ctx.race: a losing wait is dropped (the next event goes to the
 * next wait), a losing activity sees its signal fire and its late result is dropped, a losing
 * sub-orchestration is cancelled (with its own children), a losing timer wakes nobody. Each
 * loser is recorded as a ScheduleCancelled event.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/runtime/history.js';
import { startRuntime } from './runtime-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = await probe();
    if (v) return v;
    await sleep(10);
  }
  throw new Error(`never: ${what}`);
}

const cancelledTargets = (h: HistoryEvent[]) =>
  h.flatMap((e) => (e.kind === 'ScheduleCancelled' ? [h.find((s) => s.eventId === e.targetEventId)?.kind] : []));

describe('race losers', () => {
  it('a wait that lost to a timer is dropped: the reminder pattern gets its approval on the second wait', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('remind', async () => 'reminded');
      rt.registerOrchestration('approval-with-reminder', async (ctx) => {
        const first = await ctx.race(ctx.waitForEvent<string>('approve'), ctx.scheduleTimer(30));
        if (first.index === 0) return `approved at once: ${first.value}`;
        await ctx.scheduleActivity('remind');
        return `approved after reminder: ${await ctx.waitForEvent<string>('approve')}`;
      });
    });
    const id = await runtime.client.startOrchestration('approval-with-reminder');
    await until(async () => (await runtime.client.readHistory(id)).filter((e) => e.kind === 'ExternalSubscribed').length === 2, 'second wait');
    await runtime.client.raiseEvent(id, 'approve', 'yes');
    expect(await runtime.client.getResult(id, { timeoutMs: 10_000 })).toBe('approved after reminder: yes');
    const h = await runtime.client.readHistory(id);
    expect(cancelledTargets(h)).toEqual(['ExternalSubscribed']);
    expect(h.find((e) => e.kind === 'ScheduleCancelled')).toMatchObject({ reason: 'it lost a race' });
  });

  it('a losing activity sees actx.signal fire and isCancelled() true; its late result is dropped', async () => {
    const seen: { aborted: boolean; cancelled: boolean }[] = [];
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('slow', async (actx) => {
          for (let i = 0; i < 300 && !actx.signal.aborted; i++) await sleep(10);
          seen.push({ aborted: actx.signal.aborted, cancelled: actx.isCancelled() });
          return 'late result';
        });
        rt.registerOrchestration('slow-or-timeout', async (ctx) => {
          const r = await ctx.race(ctx.scheduleActivity('slow'), ctx.scheduleTimer(50));
          const after = await ctx.waitForEvent<string>('next');
          return { winner: r.index, after };
        });
      },
      { cancelCheckMs: 25 },
    );
    const id = await runtime.client.startOrchestration('slow-or-timeout');
    await until(async () => seen.length === 1, 'the activity to notice');
    expect(seen).toEqual([{ aborted: true, cancelled: true }]);
    await runtime.client.raiseEvent(id, 'next', 'ok');
    expect(await runtime.client.getResult(id)).toEqual({ winner: 1, after: 'ok' });
    const h = await runtime.client.readHistory(id);
    expect(h.some((e) => e.kind === 'ActivityCompleted')).toBe(false);
    expect(cancelledTargets(h)).toEqual(['ActivityScheduled']);
  });

  it('a losing sub-orchestration is cancelled with its own children, and its error says who cancelled it', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('grandchild', async (ctx) => ctx.waitForEvent('never'));
      rt.registerOrchestration('child', async (ctx) => ctx.scheduleSubOrchestration('grandchild', null, { instanceId: 'gc-1' }));
      rt.registerOrchestration('parent-races', async (ctx) => {
        const r = await ctx.race(ctx.scheduleSubOrchestration('child', null, { instanceId: 'child-1' }), ctx.scheduleTimer(100));
        return r.index;
      });
    });
    const id = await runtime.client.startOrchestration('parent-races');
    expect(await runtime.client.getResult(id)).toBe(1);
    const child = await runtime.client.waitForOrchestration('child-1');
    expect(child.status).toBe('Cancelled');
    expect(child.error?.message).toContain(`cancelled by its parent ${id}: it lost a race`);
    expect((await runtime.client.waitForOrchestration('gc-1')).status).toBe('Cancelled');
    expect(cancelledTargets(await runtime.client.readHistory(id))).toEqual(['SubOrchestrationScheduled']);
  });

  it('a losing timer wakes nobody: its TimerFired message is gone from the queue', async () => {
    const { runtime, path } = await startRuntime((rt) => {
      rt.registerActivity('quick', async () => 'done');
      rt.registerOrchestration('quick-or-timeout', async (ctx) => {
        const r = await ctx.race(ctx.scheduleActivity('quick'), ctx.scheduleTimer(60_000));
        return { winner: r.index, next: await ctx.waitForEvent('next') };
      });
    });
    const id = await runtime.client.startOrchestration('quick-or-timeout');
    await until(async () => (await runtime.client.readHistory(id)).some((e) => e.kind === 'ScheduleCancelled'), 'the loser cancelled');
    const db = new Database(path, { readonly: true });
    const queued = db.prepare(`SELECT message FROM orchestrator_queue WHERE instance_id = ?`).all(id) as { message: string }[];
    db.close();
    expect(queued.map((q) => JSON.parse(q.message).kind)).toEqual([]);
    expect(cancelledTargets(await runtime.client.readHistory(id))).toEqual(['TimerCreated']);
    await runtime.client.raiseEvent(id, 'next', 1);
    expect(await runtime.client.getResult(id)).toEqual({ winner: 0, next: 1 });
  });

  it('a retry attempt timeout cancels the hung attempt, and a won race cancels the timeout timer', async () => {
    let attempts = 0;
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('flaky', async (actx) => {
          attempts++;
          if (actx.attempt === 1 && attempts === 1) while (!actx.signal.aborted) await sleep(10);
          return 'ok';
        });
        rt.registerOrchestration('retries', async (ctx) =>
          ctx.scheduleActivity('flaky', null, { retry: { maxAttempts: 2, attemptTimeoutMs: 80 } }),
        );
      },
      { cancelCheckMs: 25 },
    );
    const id = await runtime.client.startOrchestration('retries');
    expect(await runtime.client.getResult(id)).toBe('ok');
    expect(cancelledTargets(await runtime.client.readHistory(id))).toEqual(['ActivityScheduled', 'TimerCreated']);
  });
});
