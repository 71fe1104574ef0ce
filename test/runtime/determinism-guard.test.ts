/**
 * The determinism guard, scoped to orchestration turns: in `guard` mode Date and Math.random
 * are replay-safe and I/O is refused; `strict` refuses them all; `off` leaves them alone.
 * Code outside orchestrations sees the ordinary globals.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime.js';
import { startRuntime } from './runtime-harness.js';

function register(rt: Runtime) {
  rt.registerActivity('record', async (_a, v: unknown) => v);
  // Every value goes into an activity input: a replay that computed another one would be a
  // NondeterminismError (different input hash), since the cache is off and each turn replays.
  rt.registerOrchestration('uses-clock-and-dice', async (ctx) => {
    const first = { now: Date.now(), date: new Date().getTime(), utc: ctx.utcNow(), dice: [Math.random(), Math.random()] };
    await ctx.scheduleActivity('record', first);
    await ctx.scheduleTimer(20);
    const second = { now: Date.now(), utc: ctx.utcNow(), dice: Math.random() };
    await ctx.scheduleActivity('record', second);
    return { first, second };
  });
}

describe('determinism guard', () => {
  it('guard (default): Date is ctx.utcNow() and Math.random() a replay-safe sequence, so replays match', async () => {
    const { runtime } = await startRuntime(register, { executionCache: false });
    const out = await runtime.client.getResult<{ first: any; second: any }>(await runtime.client.startOrchestration('uses-clock-and-dice'));
    expect(out.first.now).toBe(out.first.utc);
    expect(out.first.date).toBe(out.first.utc);
    expect(out.second.now).toBe(out.second.utc);
    expect(out.second.utc).toBeGreaterThanOrEqual(out.first.utc + 20);
    expect(out.first.dice[0]).not.toBe(out.first.dice[1]);
    for (const d of [...out.first.dice, out.second.dice]) expect(d >= 0 && d < 1).toBe(true);
  });

  it('off: the same code is caught only by replay, as a NondeterminismError', async () => {
    const { runtime } = await startRuntime(register, { executionCache: false, determinism: 'off' });
    const info = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('uses-clock-and-dice'));
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('NondeterminismError');
  });

  it('fetch and crypto.randomUUID() are refused with NonDeterministicCallError naming the ctx alternative', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('fetches', async () => {
        try {
          await fetch('http://127.0.0.1:1/');
        } catch {
          // swallowed: the turn fails anyway
        }
        return 'done';
      });
      rt.registerOrchestration('makes-ids', async () => randomUUID());
    });
    const fetched = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('fetches'));
    expect(fetched.error?.name).toBe('NonDeterministicCallError');
    expect(fetched.error?.message).toContain('fetch() was called in orchestration code. I/O belongs in an activity');
    const ids = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('makes-ids'));
    expect(ids.error?.message).toContain('crypto.randomUUID() was called in orchestration code. Use ctx.newGuid()');
  });

  it('strict: Date.now() and Math.random() are refused too', async () => {
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerOrchestration('reads-clock', async () => Date.now());
        rt.registerOrchestration('rolls-dice', async () => Math.random());
      },
      { determinism: 'strict' },
    );
    const clock = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('reads-clock'));
    expect(clock.error?.message).toContain('Date.now() was called in orchestration code. Use ctx.utcNow()');
    const dice = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('rolls-dice'));
    expect(dice.error?.name).toBe('NonDeterministicCallError');
  });

  it('outside orchestrations the globals behave as ever, also while turns run', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('real-time', async () => ({ now: Date.now(), uuid: randomUUID(), dice: Math.random() }));
      rt.registerOrchestration('asks-activity', async (ctx) => ctx.scheduleActivity('real-time'));
    });
    const before = new Date(0);
    const out = await runtime.client.getResult<{ now: number; uuid: string; dice: number }>(await runtime.client.startOrchestration('asks-activity'));
    expect(Math.abs(out.now - Date.now())).toBeLessThan(5_000);
    expect(out.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(before instanceof Date).toBe(true);
    expect(new Date(86_400_000).toISOString()).toBe('1970-01-02T00:00:00.000Z');
    expect(typeof Date()).toBe('string');
    expect(Date.UTC(2000, 0, 1)).toBe(946_684_800_000);
    expect(Math.abs(new Date().getTime() - Date.now())).toBeLessThan(1_000);
  });
});
