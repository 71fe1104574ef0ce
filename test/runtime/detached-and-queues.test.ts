/**
 * Detached orchestrations (ctx.scheduleOrchestration) and persistent event queues
 * (client.enqueueEvent / ctx.dequeueEvent), and corruption detection for completions that
 * cannot belong to the history.
 */
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime.js';
import { startRuntime, stopRuntime } from './runtime-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('detached orchestrations', () => {
  it('start fire-and-forget with a deterministic id, are not cancelled with the parent, and their failure stays theirs', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('worker', async (ctx, n: number) => {
        if (n === 2) throw new Error('worker 2 failed');
        await ctx.waitForEvent('finish');
        return n;
      });
      rt.registerOrchestration('launcher', async (ctx) => {
        const named = ctx.scheduleOrchestration('worker', 'worker-one', 1);
        const derived = ctx.scheduleOrchestration('worker', undefined, 2);
        await ctx.waitForEvent('never');
        return [named, derived];
      });
    });
    const id = await runtime.client.startOrchestration('launcher');
    const derivedId = `${id}::detached-1-3`;
    for (let i = 0; i < 300 && !(await runtime.client.getStatus(derivedId)); i++) await sleep(10);
    expect((await runtime.client.waitForOrchestration(derivedId)).status).toBe('Failed');
    expect((await runtime.client.getStatus(id))?.status).toBe('Running'); // the failure did not reach the launcher
    await runtime.client.cancelInstance(id);
    expect((await runtime.client.waitForOrchestration(id)).status).toBe('Cancelled');
    const one = await runtime.client.getStatus('worker-one');
    expect(one?.status).toBe('Running'); // not cancelled with the launcher
    expect(one?.parentInstanceId).toBeUndefined();
    await runtime.client.raiseEvent('worker-one', 'finish');
    expect(await runtime.client.getResult('worker-one')).toBe(1);
    const h = await runtime.client.readHistory(id);
    expect(h.filter((e) => e.kind === 'OrchestrationChained').map((e) => (e as { instanceId: string }).instanceId)).toEqual(['worker-one', derivedId]);
  });

  it('starting an id that already exists leaves that instance as it is', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerOrchestration('target', async (_ctx, input: string) => input);
      rt.registerOrchestration('starter', async (ctx) => {
        ctx.scheduleOrchestration('target', 'taken', 'from the starter');
        await ctx.scheduleTimer(20);
        return 'started';
      });
    });
    await runtime.client.startOrchestration('target', 'original', { instanceId: 'taken' });
    expect(await runtime.client.getResult('taken')).toBe('original');
    expect(await runtime.client.getResult(await runtime.client.startOrchestration('starter'))).toBe('started');
    await sleep(50);
    expect(await runtime.client.getResult('taken')).toBe('original');
    expect(await runtime.client.listExecutions('taken')).toEqual([1]);
  });
});

describe('persistent event queues', () => {
  const setup = (rt: Runtime) =>
    rt.registerOrchestration('mailbox', async (ctx, state: { got: string[] }) => {
      const got = [...state.got, await ctx.dequeueEvent<string>('inbox')];
      if (got.length === 4) return got;
      if (got.length === 2) return ctx.continueAsNew({ got });
      return ctx.continueAsNew({ got });
    });

  it('messages enqueued before and during the run are dequeued first-in first-out across continueAsNew', async () => {
    const first = await startRuntime(setup);
    await stopRuntime(first.runtime);
    const second = await startRuntime(setup, { path: first.path });
    const id = await second.runtime.client.startOrchestration('mailbox', { got: [] });
    for (const m of ['m1', 'm2', 'm3']) await second.runtime.client.enqueueEvent(id, 'inbox', m);
    await sleep(30);
    await second.runtime.client.enqueueEvent(id, 'inbox', 'm4');
    expect(await second.runtime.client.getResult(id)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('a queue and an event of the same name are separate: waitForEvent never takes queue messages', async () => {
    const { runtime } = await startRuntime((rt) =>
      rt.registerOrchestration('both', async (ctx) => {
        const q = await ctx.dequeueEvent<string>('x');
        const e = await ctx.waitForEvent<string>('x');
        return { q, e };
      }),
    );
    const id = await runtime.client.startOrchestration('both');
    await runtime.client.raiseEvent(id, 'x', 'event');
    await runtime.client.enqueueEvent(id, 'x', 'queued');
    expect(await runtime.client.getResult(id)).toEqual({ q: 'queued', e: 'event' });
  });
});

describe('corruption detection', () => {
  it('a completion addressed to a schedule of another kind fails the instance with NondeterminismError naming the event', async () => {
    const { runtime } = await startRuntime((rt) =>
      rt.registerOrchestration('sleeps', async (ctx) => {
        await ctx.scheduleTimer(60_000);
        return 'woke';
      }),
    );
    const id = await runtime.client.startOrchestration('sleeps');
    for (let i = 0; i < 200 && !(await runtime.client.readHistory(id)).some((e) => e.kind === 'TimerCreated'); i++) await sleep(10);
    await runtime.store.enqueueOrchestratorMessage({ kind: 'ActivityCompleted', instanceId: id, executionId: 1, sourceEventId: 2, result: 'forged' });
    const info = await runtime.client.waitForOrchestration(id);
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('NondeterminismError');
    expect(info.error?.message).toContain('received ActivityCompleted for event #2, which is TimerCreated, not ActivityScheduled');
  });

  it('a completion for an event id never scheduled is corruption too; one of a previous execution is dropped', async () => {
    const { runtime } = await startRuntime((rt) =>
      rt.registerOrchestration('two-executions', async (ctx, n: number) => {
        if (n === 0) return ctx.continueAsNew(1);
        return ctx.waitForEvent('go');
      }),
    );
    const id = await runtime.client.startOrchestration('two-executions', 0);
    for (let i = 0; i < 200 && (await runtime.client.listExecutions(id)).length < 2; i++) await sleep(10);
    await runtime.store.enqueueOrchestratorMessage({ kind: 'TimerFired', instanceId: id, executionId: 1, sourceEventId: 2, fireAtMs: 0 });
    await runtime.client.raiseEvent(id, 'go', 'fine');
    expect(await runtime.client.getResult(id)).toBe('fine');
    const other = await runtime.client.startOrchestration('two-executions', 0);
    for (let i = 0; i < 200 && (await runtime.client.listExecutions(other)).length < 2; i++) await sleep(10);
    await runtime.store.enqueueOrchestratorMessage({ kind: 'TimerFired', instanceId: other, executionId: 2, sourceEventId: 99, fireAtMs: 0 });
    const info = await runtime.client.waitForOrchestration(other);
    expect(info.error?.message).toContain('received TimerFired for event #99, which this execution never scheduled');
  });
});
