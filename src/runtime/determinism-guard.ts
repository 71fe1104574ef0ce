/**
 * The determinism guard: inside an orchestration turn (and only there, see turn-scope.ts),
 * calls that would make a replay decide differently are made safe or refused where they are
 * made, instead of being found after a restart — if at all.
 *
 * - `guard` (default): `Date.now()` and `new Date()` give the replay-safe `ctx.utcNow()`,
 *   `Math.random()` a replay-safe sequence seeded by the instance and execution (like
 *   Temporal's workflow sandbox); timers, `fetch` and `crypto.randomUUID()` throw.
 * - `strict`: all of them throw, so orchestration code must say `ctx.utcNow()` itself.
 * - `off`: nothing is patched (the runtime then installs nothing at all).
 *
 * Timers throw NonDurableAwaitError (an await replay cannot see); the others
 * NonDeterministicCallError. Both name the call and the ctx alternative, and fail the turn
 * even when the code catches them.
 */
import cryptoModule from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { NonDeterministicCallError, NonDurableAwaitError } from './errors.js';
import type { TurnScope } from './turn-scope.js';

export type DeterminismMode = 'guard' | 'strict' | 'off';

type AnyFn = (...args: any[]) => any;
type ScopeOf = () => TurnScope | undefined;

const TIMER_FIX = 'await ctx.scheduleTimer(ms) for a durable delay, and ctx.race(...) of ctx tasks for timeouts';

/** Patches the globals once per process; each patched call checks whether a turn is running. */
export function installDeterminismGuard(scopeOf: ScopeOf): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const refuse = (name: string, fix: string, timer = false) => (scope: TurnScope) => {
    const message = `${scope.where()}: ${name}() was called in orchestration code. ${fix}`;
    const err = timer ? new NonDurableAwaitError(message) : new NonDeterministicCallError(message);
    scope.report(err);
    throw err;
  };
  for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
    const refuseTimer = refuse(name, `A plain timer is not durable: it is lost on a restart and replay cannot see it. Use ${TIMER_FIX}.`, true);
    g[name] = guarded(g[name] as AnyFn, scopeOf, refuseTimer);
    const t = timers as unknown as Record<string, AnyFn>;
    t[name] = guarded(t[name], scopeOf, refuseTimer);
    const tp = timersPromises as unknown as Record<string, AnyFn>;
    tp[name] = guarded(tp[name], scopeOf, refuse(`timers/promises ${name}`, `Use ${TIMER_FIX}.`, true));
  }
  if (typeof g.fetch === 'function') {
    g.fetch = guarded(g.fetch as AnyFn, scopeOf, refuse('fetch', 'I/O belongs in an activity: ctx.scheduleActivity(name, input).'));
  }
  const uuidFix = 'Use ctx.newGuid(), which is the same on every replay.';
  const webCrypto = g.crypto as { randomUUID?: AnyFn } | undefined;
  if (webCrypto?.randomUUID) webCrypto.randomUUID = guarded(webCrypto.randomUUID.bind(webCrypto), scopeOf, refuse('crypto.randomUUID', uuidFix));
  const nodeCrypto = cryptoModule as unknown as Record<string, AnyFn>;
  nodeCrypto.randomUUID = guarded(nodeCrypto.randomUUID, scopeOf, refuse('crypto.randomUUID', uuidFix));
  patchMathRandom(scopeOf, refuse('Math.random', 'Use a value from an activity, or determinism: "guard" for a replay-safe sequence.'));
  patchDate(scopeOf, refuse('Date.now', 'Use ctx.utcNow(), the time of the history event being processed.'));
  syncBuiltinESMExports(); // `import { setTimeout } from 'node:timers'` and friends see the guard too
}

/** `original`, or `onTurn(scope)` when orchestration code calls it (the guard decides there). */
function guarded(original: AnyFn, scopeOf: ScopeOf, onTurn: (scope: TurnScope) => unknown): AnyFn {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const scope = scopeOf();
    return scope && scope.mode !== 'off' ? onTurn(scope) : original.apply(this, args);
  };
  // Keep util.promisify.custom and friends, so promisified timers behave as before.
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  return wrapped;
}

function patchMathRandom(scopeOf: ScopeOf, refuse: (scope: TurnScope) => never): void {
  const original = Math.random;
  Math.random = function random() {
    const scope = scopeOf();
    if (!scope || scope.mode === 'off') return original();
    return scope.mode === 'guard' ? scope.random() : refuse(scope);
  };
}

/**
 * `new Date()` and `Date.now()` in a turn: the replay-safe time (guard) or an error (strict).
 * The global Date becomes a subclass that behaves exactly like Date elsewhere; `instanceof
 * Date` holds for dates made before or outside it too.
 */
function patchDate(scopeOf: ScopeOf, refuse: (scope: TurnScope) => never): void {
  const Original = Date;
  const replaySafeNow = (): number | undefined => {
    const scope = scopeOf();
    if (!scope || scope.mode === 'off') return undefined;
    return scope.mode === 'guard' ? scope.now() : refuse(scope);
  };
  // Named Date, so messages and inspection read as before.
  const GuardedDate = class Date extends Original {
    constructor(...args: unknown[]) {
      if (args.length === 0) {
        const now = replaySafeNow();
        if (now !== undefined) {
          super(now);
          return;
        }
      }
      super(...(args as []));
    }
    static override now(): number {
      return replaySafeNow() ?? Original.now();
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Original;
    }
  };
  // Called without `new`, Date gives a string: keep that too.
  const DateFn = new Proxy(GuardedDate, {
    apply: (_target, _self, args: unknown[]) => (args.length === 0 && replaySafeNow() !== undefined ? new GuardedDate().toString() : Original(...(args as []))),
  });
  (globalThis as { Date: DateConstructor }).Date = DateFn as unknown as DateConstructor;
}
