/**
 * Values bound for history are validated the same way everywhere: outputs like inputs,
 * deep nesting and oversized payloads fail at once with a typed error, and so does a timer
 * beyond the documented maximum, on every store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/runtime/client.js';
import { NonJsonValueError, PayloadTooLargeError } from '../../src/runtime/errors.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { storeKinds } from '../support/store-matrix.js';

class Money {
  constructor(readonly cents: number) {}
}
const cyclic = (): unknown => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};
const deep = (levels: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = { v };
  return v;
};

/** What each bad output must be reported as: the path and what it is. */
const badOutputs: [string, () => unknown, string][] = [
  ['a function', () => ({ f: () => 1 }), '$.f is a function'],
  ['a Symbol', () => [Symbol('s')], '$[0] is a symbol'],
  ['a Map', () => new Map([['k', 1]]), '$ is a Map object'],
  ['a class instance', () => ({ price: new Money(5) }), '$.price is a Money object'],
  ['NaN', () => ({ total: NaN }), '$.total is NaN'],
  ['a BigInt', () => 10n, '$ is a bigint'],
  ['a cycle', cyclic, '$.self is a circular reference'],
  ['a Date', () => ({ at: new Date(0) }), '$.at is a Date object'],
];

const runtimes: Runtime[] = [];
afterEach(async () => {
  while (runtimes.length) await runtimes.pop()!.shutdown({ closeStore: true });
});

for (const kind of storeKinds) {
  describe.skipIf(kind.skip)(`values bound for history (${kind.name})`, () => {
    async function start(setup: (rt: Runtime) => void, opts: { maxPayloadBytes?: number } = {}) {
      const rt = new Runtime({ store: kind.make(), logger: silentLogger, idlePollMs: 5, maxAttempts: 3, ...opts });
      setup(rt);
      await rt.start();
      runtimes.push(rt);
      return rt;
    }

    it('an orchestration that returns a non-JSON value fails at once with NonJsonValueError naming the path', async () => {
      const rt = await start((r) => {
        r.registerOrchestration('bad-output', async (_ctx, i: number) => badOutputs[i][1]());
      });
      for (let i = 0; i < badOutputs.length; i++) {
        const id = await rt.client.startOrchestration('bad-output', i);
        const info = await rt.client.waitForOrchestration(id, { timeoutMs: 10_000 });
        expect(info.status, badOutputs[i][0]).toBe('Failed');
        expect(info.error?.name, badOutputs[i][0]).toBe('NonJsonValueError');
        expect(info.error?.message).toContain(badOutputs[i][2]);
        // Failed in its first turn: one OrchestrationStarted, one OrchestrationFailed, no poison.
        const history = await rt.client.readHistory(id);
        expect(history.map((e) => e.kind)).toEqual(['OrchestrationStarted', 'OrchestrationFailed']);
      }
    });

    it('continueAsNew with a non-JSON input fails the instance at once', async () => {
      const rt = await start((r) => {
        r.registerOrchestration('bad-can', async (ctx) => ctx.continueAsNew({ seen: new Set([1]) }));
      });
      const info = await rt.client.waitForOrchestration(await rt.client.startOrchestration('bad-can'), { timeoutMs: 10_000 });
      expect(info.status).toBe('Failed');
      expect(info.error?.message).toContain('$.seen is a Set object');
      expect(await rt.client.listExecutions(info.instanceId)).toEqual([1]);
    });

    it('an activity that returns a non-JSON value fails at once, without retries, and the orchestration can catch it', async () => {
      let runs = 0;
      const rt = await start((r) => {
        r.registerActivity('returns-bigint', async () => (runs++, { n: 1n }));
        r.registerOrchestration('calls-bad-activity', async (ctx) => {
          try {
            await ctx.scheduleActivity('returns-bigint', null, { retry: { maxAttempts: 3, backoff: { kind: 'fixed', delayMs: 1 } } });
            return 'no error';
          } catch (err) {
            return (err as Error).message;
          }
        });
      });
      const out = await rt.client.getResult<string>(await rt.client.startOrchestration('calls-bad-activity'), { timeoutMs: 10_000 });
      expect(out).toContain('NonJsonValueError');
      expect(out).toContain('$.n is a bigint');
      expect(runs).toBe(1);
    });

    it('input nested 20,000 levels deep gets NonJsonValueError, not a RangeError, and nothing is stored', async () => {
      const store = kind.make();
      await store.init();
      const client = new Client(store);
      const err = await client.startOrchestration('anything', deep(20_000)).catch((e) => e);
      expect(err).toBeInstanceOf(NonJsonValueError);
      expect(err.message).toContain('nested deeper than 512 levels');
      expect(await store.listInstances()).toEqual([]);
      const rt = await start((r) => {
        r.registerActivity('noop', async () => null);
        r.registerOrchestration('deep-activity-input', async (ctx) => {
          try {
            await ctx.scheduleActivity('noop', deep(20_000));
          } catch (e) {
            return `${(e as Error).name}: ${(e as Error).message}`;
          }
          return 'accepted';
        });
      });
      const out = await rt.client.getResult<string>(await rt.client.startOrchestration('deep-activity-input'), { timeoutMs: 10_000 });
      expect(out).toMatch(/^NonJsonValueError: Input of activity "noop" must be a JSON value, but \$(\.v)+ is nested deeper/);
      await store.close();
    });

    it('a 50 MB input fails at once with PayloadTooLargeError naming the limit; oversized results and events too', async () => {
      const rt = await start(
        (r) => {
          r.registerActivity('big-result', async () => 'x'.repeat(2048));
          r.registerOrchestration('waits', async (ctx) => {
            const got = await ctx.waitForEvent('e');
            try {
              await ctx.scheduleActivity('big-result');
            } catch (e) {
              return { got, error: (e as Error).message };
            }
            return { got };
          });
        },
        { maxPayloadBytes: 1024 },
      );
      const huge = await new Client(rt.store).startOrchestration('waits', 'y'.repeat(50 * 1024 * 1024)).catch((e) => e);
      expect(huge).toBeInstanceOf(PayloadTooLargeError);
      expect(huge.message).toContain('over the limit of 16.0 MiB');
      const small = await rt.client.startOrchestration('waits', 'z'.repeat(2000)).catch((e) => e);
      expect(small).toBeInstanceOf(PayloadTooLargeError);
      expect(small.message).toContain('over the limit of 1024 bytes');
      const id = await rt.client.startOrchestration('waits', 'fine');
      expect(await rt.client.raiseEvent(id, 'e', 'q'.repeat(5000)).catch((e) => e)).toBeInstanceOf(PayloadTooLargeError);
      await rt.client.raiseEvent(id, 'e', 'ok');
      const out = await rt.client.getResult<{ got: string; error?: string }>(id, { timeoutMs: 10_000 });
      expect(out.got).toBe('ok');
      expect(out.error).toContain('PayloadTooLargeError');
    });

    it('a timer of 1e20 ms is refused at the call with TimerOutOfRangeError, which the orchestration can catch', async () => {
      const rt = await start((r) => {
        r.registerOrchestration('far-timer', async (ctx, ms: number) => {
          try {
            await ctx.scheduleTimer(ms);
            return 'slept';
          } catch (e) {
            return (e as Error).name;
          }
        });
      });
      expect(await rt.client.getResult(await rt.client.startOrchestration('far-timer', 1e20), { timeoutMs: 10_000 })).toBe('TimerOutOfRangeError');
      expect(await rt.client.getResult(await rt.client.startOrchestration('far-timer', -1), { timeoutMs: 10_000 })).toBe('TimerOutOfRangeError');
      const uncaught = await start((r) => r.registerOrchestration('far-timer-2', async (ctx) => ctx.scheduleTimer(1e20)));
      const info = await uncaught.client.waitForOrchestration(await uncaught.client.startOrchestration('far-timer-2'), { timeoutMs: 10_000 });
      expect(info.status).toBe('Failed');
      expect(info.error?.name).toBe('TimerOutOfRangeError');
    });
  });
}
