/**
 * Which orchestration turn the running code belongs to (AsyncLocalStorage), so code outside
 * orchestrations (activities, the rest of the app) is never affected by what is done for
 * turns: the determinism guard (determinism-guard.ts) and the cancellation of composite tasks.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { installDeterminismGuard, type DeterminismMode } from './determinism-guard.js';

export interface TurnScope {
  /** "Orchestration X v1 (instance …)": who made the call. */
  where(): string;
  /** Fails the turn, even when the orchestration catches the error thrown at the call. */
  report(err: Error): void;
  mode: DeterminismMode;
  /** The replay-safe time (ctx.utcNow()). */
  now(): number;
  /** The next number of the execution's replay-safe random sequence. */
  random(): number;
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
  if (!installed && scope.mode !== 'off') {
    installed = true;
    installDeterminismGuard(currentScope);
  }
  return current.run({ scope, group: null }, fn);
}

/**
 * Orchestration code runs only while a replayer starts or walks new events (a ctx task settles
 * nowhere else): outside those windows the globals need no context lookup at all.
 */
let turnCodeWindows = 0;

export function enterTurnCode(): () => void {
  turnCodeWindows++;
  let left = false;
  return () => {
    if (!left) turnCodeWindows--;
    left = true;
  };
}

/** The turn whose code is running now, or undefined outside orchestration code. */
export function currentScope(): TurnScope | undefined {
  return turnCodeWindows === 0 ? undefined : current.getStore()?.scope;
}

/**
 * Cancellation of composite tasks (ctx.task, retries, LLM operations): every schedule slot
 * claimed while a composite's code runs joins its group, so cancelling the composite (it
 * lost a race) cancels what it was waiting on.
 */
export class CancelGroup {
  /** Groups whose composite has not settled: while there are none, no lookup is needed. */
  static open = 0;
  private hooks: (() => void)[] = [];
  private done = false;

  constructor(parent: CancelGroup | null) {
    CancelGroup.open++;
    parent?.add(() => this.cancel());
  }

  /** The composite settled: nothing it waits on can be cancelled any more. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.hooks = [];
    CancelGroup.open--;
  }

  add(hook: () => void): void {
    if (this.done) hook();
    else this.hooks.push(hook);
  }

  cancel(): void {
    if (this.done) return;
    const hooks = this.hooks;
    this.close();
    for (const h of hooks) h();
  }
}

/** The group of the composite task whose code is running now (null at top level). */
export function currentGroup(): CancelGroup | null {
  return CancelGroup.open === 0 ? null : (current.getStore()?.group ?? null);
}

/** Runs `fn` (and everything it awaits) as part of `group`. */
export function runInGroup<T>(group: CancelGroup, fn: () => T): T {
  const c = current.getStore();
  return c ? current.run({ scope: c.scope, group }, fn) : fn();
}
