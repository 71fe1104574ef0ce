/**
 * Which orchestration turn the running code belongs to (AsyncLocalStorage), so a call that
 * makes an orchestration depend on something that is not durable is caught where it is made,
 * while code outside orchestrations (activities, the rest of the app) is never affected.
 *
 * Timers are the case replay cannot see afterwards: `await new Promise(r => setImmediate(r))`
 * resumes before the turn is judged blocked, and `Promise.race([ctx task, plain timer])`
 * leaves a ctx task pending, so both would pass unnoticed. Inside a turn they throw
 * NonDurableAwaitError naming the ctx alternative, and the turn fails with it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { NonDurableAwaitError } from './errors.js';

export interface TurnScope {
  /** "Orchestration X v1 (instance …)": who made the call. */
  where(): string;
  /** Fails the turn, even when the orchestration catches the error thrown at the call. */
  report(err: Error): void;
}

/** The turn, and the cancellation group of the composite task whose code is running. */
interface TurnContext {
  scope: TurnScope;
  group: CancelGroup | null;
}

const current = new AsyncLocalStorage<TurnContext>();
let installed = false;

/** Runs orchestration code (and everything it awaits) inside `scope`. */
export function runInTurn<T>(scope: TurnScope, fn: () => T): T {
  if (!installed) install();
  return current.run({ scope, group: null }, fn);
}

/**
 * Cancellation of composite tasks (ctx.task, retries, LLM operations): every schedule slot
 * claimed while a composite's code runs joins its group, so cancelling the composite (it
 * lost a race) cancels what it was waiting on.
 */
export class CancelGroup {
  private hooks: (() => void)[] = [];
  private done = false;

  constructor(parent: CancelGroup | null) {
    parent?.add(() => this.cancel());
  }

  add(hook: () => void): void {
    if (this.done) hook();
    else this.hooks.push(hook);
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    for (const h of this.hooks.splice(0)) h();
  }
}

/** The group of the composite task whose code is running now (null at top level). */
export function currentGroup(): CancelGroup | null {
  return current.getStore()?.group ?? null;
}

/** Runs `fn` (and everything it awaits) as part of `group`. */
export function runInGroup<T>(group: CancelGroup, fn: () => T): T {
  const c = current.getStore();
  return c ? current.run({ scope: c.scope, group }, fn) : fn();
}

const ALTERNATIVE = 'await ctx.scheduleTimer(ms) for a durable delay, and ctx.race(...) of ctx tasks for timeouts';

function install(): void {
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;
  const t = timers as unknown as Record<string, unknown>;
  const tp = timersPromises as unknown as Record<string, unknown>;
  for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
    const wrapped = guard(name, g[name] as (...a: unknown[]) => unknown);
    g[name] = wrapped;
    if (t[name] !== wrapped) t[name] = guard(name, t[name] as (...a: unknown[]) => unknown);
    tp[name] = guard(`timers/promises ${name}`, tp[name] as (...a: unknown[]) => unknown);
  }
  syncBuiltinESMExports(); // `import { setTimeout } from 'node:timers'` sees the guard too
}

function guard(name: string, original: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const scope = current.getStore()?.scope;
    if (scope) {
      const err = new NonDurableAwaitError(
        `${scope.where()}: ${name}() was called in orchestration code. A plain timer is not durable: ` +
          `it is lost on a restart and replay cannot see it. Use ${ALTERNATIVE}.`,
      );
      scope.report(err);
      throw err;
    }
    return original.apply(this, args);
  };
  // Keep util.promisify.custom and friends, so promisified timers behave as before.
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  return wrapped;
}
