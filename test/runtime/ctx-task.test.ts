/**
 * ctx.task: plain async code built from ctx tasks becomes one durable task that ctx.race and
 * ctx.all accept, and it decides the same way after a restart.
 */
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime.js';
import { startRuntime, stopRuntime } from './runtime-harness.js';

function register(rt: Runtime) {
  rt.registerActivity('step', async (_a, s: string) => s);
  rt.registerOrchestration('two-steps-or-timeout', async (ctx, timeoutMs: number) => {
    const steps = ctx.task(async () => [await ctx.scheduleActivity<string>('step', 'a'), await ctx.scheduleActivity<string>('step', 'b')]);
    const winner = await ctx.race(steps, ctx.scheduleTimer(timeoutMs));
    const first = winner.index === 0 ? (winner.value as string[]).join('+') : 'timed out';
    const approval = await ctx.waitForEvent<string>('go');
    return `${first}; ${approval}`;
  });
}

describe('ctx.task', () => {
  it('a helper of two activities races a durable timer as one task, identically after a restart', async () => {
    const first = await startRuntime(register);
    const id = await first.runtime.client.startOrchestration('two-steps-or-timeout', 60_000);
    for (let i = 0; i < 500 && !(await first.runtime.client.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await stopRuntime(first.runtime);
    const second = await startRuntime(register, { path: first.path, executionCache: false });
    await second.runtime.client.raiseEvent(id, 'go', 'approved');
    expect(await second.runtime.client.getResult(id)).toBe('a+b; approved');
  });

  it('a task that fails rejects its awaiter, and a non-function is a TypeError', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('failing-task', async (ctx) => {
        try {
          await ctx.task(async () => {
            await ctx.scheduleTimer(1);
            throw new Error('inside the task');
          });
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      });
      rt.registerOrchestration('bad-task', async (ctx) => ctx.task('nope' as never));
    });
    expect(await runtime.client.getResult(await runtime.client.startOrchestration('failing-task'))).toBe('inside the task');
    const info = await runtime.client.waitForOrchestration(await runtime.client.startOrchestration('bad-task'));
    expect(info.error?.message).toContain('ctx.task(fn): fn must be an async function');
  });
});
