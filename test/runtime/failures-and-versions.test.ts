/** Retry policies, poison turns, versioning, duplicates and bad input. */
import { writeFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InstanceAlreadyExistsError, StoreFormatError } from '../../src/store/errors.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { NonJsonValueError, UnknownOrchestrationError, InstanceNotFoundError } from '../../src/runtime/errors.js';
import { Client } from '../../src/runtime/client.js';
import { newDbPath, startRuntime, stopRuntime } from './runtime-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('retry policy', () => {
  it('succeeds after failures', async () => {
    let calls = 0;
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('flaky', async () => {
        if (++calls < 3) throw new Error(`boom ${calls}`);
        return 'ok';
      });
      rt.registerOrchestration('retrying', async (ctx) =>
        ctx.scheduleActivity('flaky', null, { retry: { maxAttempts: 5, backoff: { kind: 'exponential', delayMs: 5 } } }),
      );
    });
    const id = await runtime.client.startOrchestration('retrying');
    expect(await runtime.client.getResult(id)).toBe('ok');
    expect(calls).toBe(3);
    const history = await runtime.client.readHistory(id);
    expect(history.filter((e) => e.kind === 'ActivityFailed')).toHaveLength(2);
    expect(history.filter((e) => e.kind === 'TimerCreated')).toHaveLength(2);
  });

  it('exhausted attempts fail the orchestration with the last error', async () => {
    let calls = 0;
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('broken', async () => {
        throw new Error(`failure ${++calls}`);
      });
      rt.registerOrchestration('giveup', async (ctx) =>
        ctx.scheduleActivity('broken', null, { retry: { maxAttempts: 3, backoff: { kind: 'fixed', delayMs: 1 } } }),
      );
    });
    const id = await runtime.client.startOrchestration('giveup');
    const info = await runtime.client.waitForOrchestration(id);
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('ActivityFailedError');
    expect(info.error?.message).toContain('failure 3');
    expect(calls).toBe(3);
  });

  it('per-attempt timeout retries a hung attempt', async () => {
    let calls = 0;
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('hangs-once', async () => {
        if (++calls === 1) await sleep(700);
        return calls;
      });
      rt.registerOrchestration('timeouts', async (ctx) =>
        ctx.scheduleActivity('hangs-once', null, { retry: { maxAttempts: 2, attemptTimeoutMs: 100 } }),
      );
    });
    const id = await runtime.client.startOrchestration('timeouts');
    expect(await runtime.client.getResult(id)).toBe(2);
  });
});

describe('versioning', () => {
  it('start uses the latest version; a running instance replays on its own version', async () => {
    const v1 = async (ctx: import('../../src/runtime/context-api.js').OrchestrationContext) => {
      await ctx.waitForEvent('go');
      return 'v1';
    };
    const first = await startRuntime((rt) => rt.registerOrchestration('flow', v1, { version: '1.0.0' }));
    const old = await first.runtime.client.startOrchestration('flow');
    for (let i = 0; i < 200 && !(await first.runtime.client.readHistory(old)).some((e) => e.kind === 'ExternalSubscribed'); i++) await sleep(10);
    await stopRuntime(first.runtime);

    const second = await startRuntime(
      (rt) => {
        rt.registerOrchestration('flow', v1, { version: '1.0.0' });
        rt.registerOrchestration('flow', async () => 'v2', { version: '2.0.0' });
      },
      { path: first.path },
    );
    const fresh = await second.runtime.client.startOrchestration('flow');
    expect(await second.runtime.client.getResult(fresh)).toBe('v2');
    await second.runtime.client.raiseEvent(old, 'go');
    expect(await second.runtime.client.getResult(old)).toBe('v1');
    expect((await second.runtime.client.getStatus(old))?.version).toBe('1.0.0');
    expect((await second.runtime.client.getStatus(fresh))?.version).toBe('2.0.0');
  });
});

describe('duplicates', () => {
  it('duplicate completion, timer and event messages are de-duplicated', async () => {
    let runs = 0;
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('once', async () => ++runs);
      rt.registerOrchestration('dups', async (ctx) => {
        const a = await ctx.scheduleActivity('once');
        await ctx.scheduleTimer(10);
        const e1 = await ctx.waitForEvent('e');
        return { a, e1 };
      });
    });
    const id = await runtime.client.startOrchestration('dups');
    const store = runtime.store;
    for (let i = 0; i < 300 && !(await store.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'); i++) await sleep(10);
    const history = await store.readHistory(id);
    const act = history.find((e) => e.kind === 'ActivityScheduled')!;
    const timer = history.find((e) => e.kind === 'TimerCreated')! as { eventId: number; fireAtMs: number };
    // Replays of messages that were already applied.
    await store.enqueueOrchestratorMessage({ kind: 'ActivityCompleted', instanceId: id, executionId: 1, sourceEventId: act.eventId, result: 99 });
    await store.enqueueOrchestratorMessage({ kind: 'TimerFired', instanceId: id, executionId: 1, sourceEventId: timer.eventId, fireAtMs: timer.fireAtMs });
    await sleep(50);
    await runtime.client.raiseEvent(id, 'e', 'first');
    expect(await runtime.client.getResult(id)).toEqual({ a: 1, e1: 'first' });
    const final = await store.readHistory(id);
    expect(final.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(1);
    expect(final.filter((e) => e.kind === 'TimerFired')).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('an unknown orchestration name is refused with a typed error (once no runtime provided it within unknownWorkTimeoutMs)', async () => {
    const { runtime } = await startRuntime((rt) => rt.registerOrchestration('known', async () => 1), { unknownWorkTimeoutMs: 300 });
    await expect(runtime.client.startOrchestration('unknwon')).rejects.toBeInstanceOf(UnknownOrchestrationError);
    // A client that does not know the registry: the instance fails with the same error.
    const id = await new Client(runtime.store).startOrchestration('unknwon');
    const info = await runtime.client.waitForOrchestration(id);
    expect(info.error?.name).toBe('UnknownOrchestrationError');
    expect(info.error?.message).toContain('known@1.0.0');
    expect(info.error?.message).toContain('No runtime sharing this store ran it within unknownWorkTimeoutMs (300 ms)');
  });

  it('an unknown activity fails the orchestration with a catchable, named error (after unknownWorkTimeoutMs)', async () => {
    const { runtime } = await startRuntime((rt) => rt.registerOrchestration('calls-missing', async (ctx) => ctx.scheduleActivity('nope')), {
      unknownWorkTimeoutMs: 300,
    });
    const id = await runtime.client.startOrchestration('calls-missing');
    const info = await runtime.client.waitForOrchestration(id);
    expect(info.error?.message).toContain('UnknownActivityError');
  });

  it('non-JSON inputs are refused and nothing is stored', async () => {
    const { runtime } = await startRuntime((rt) => rt.registerOrchestration('json', async () => 1));
    await expect(runtime.client.startOrchestration('json', { when: new Date() } as never, { instanceId: 'x1' })).rejects.toBeInstanceOf(
      NonJsonValueError,
    );
    expect(await runtime.client.getStatus('x1')).toBeNull();
  });

  it('an instance id that already exists is refused and the existing instance is untouched', async () => {
    const { runtime } = await startRuntime((rt) => rt.registerOrchestration('dup', async (_c, n: number) => n));
    await runtime.client.startOrchestration('dup', 1, { instanceId: 'same' });
    expect(await runtime.client.getResult('same')).toBe(1);
    await expect(runtime.client.startOrchestration('dup', 2, { instanceId: 'same' })).rejects.toBeInstanceOf(InstanceAlreadyExistsError);
    expect((await runtime.client.getStatus('same'))?.output).toBe(1);
  });

  it('events for an unknown instance are refused', async () => {
    const { runtime } = await startRuntime(() => {});
    await expect(runtime.client.raiseEvent('ghost', 'e')).rejects.toBeInstanceOf(InstanceNotFoundError);
  });

  it('a store file that is not a duroxide database is refused and left intact', async () => {
    const path = newDbPath();
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    const store = new SqliteStore({ path });
    await expect(store.init()).rejects.toBeInstanceOf(StoreFormatError);
    await store.close().catch(() => {});
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
  });
});
