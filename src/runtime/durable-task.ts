/**
 * A durable task: a lazy thenable. No Promise exists until someone awaits it, so a losing
 * race branch that fails never becomes an unhandled rejection. Settlement is synchronous
 * and notifies listeners in order; awaiting code resumes in the next microtasks.
 */
import type { DurableTask } from './context-api.js';
import { CancelGroup, currentGroup, runInGroup } from './turn-scope.js';

type Listener = () => void;

export class Task<T> implements DurableTask<T> {
  private state: 'pending' | 'ok' | 'error' = 'pending';
  private value: T | undefined;
  private error: unknown;
  private listeners: Listener[] | null = null;
  /** One hook (the common case), or several. */
  private cancelHooks: (() => void) | (() => void)[] | null = null;
  /** A schedule slot's task: cancelling it cancels the slot (set by the engine, no closure). */
  slot: { owner: { cancelSlot(eventId: number, reason: string): void }; eventId: number } | null = null;
  private cancelled = false;

  constructor(readonly kind: string) {}

  get settled(): boolean {
    return this.state !== 'pending';
  }

  get failed(): boolean {
    return this.state === 'error';
  }

  get result(): T {
    return this.value as T;
  }

  get failure(): unknown {
    return this.error;
  }

  resolve(value: T): void {
    if (this.state !== 'pending') return;
    this.state = 'ok';
    this.value = value;
    this.notify();
  }

  reject(error: unknown): void {
    if (this.state !== 'pending') return;
    this.state = 'error';
    this.error = error;
    this.notify();
  }

  /** What cancelling this task does (drop its schedule, cancel its children). */
  onCancel(hook: () => void): void {
    const h = this.cancelHooks;
    this.cancelHooks = h === null ? hook : Array.isArray(h) ? [...h, hook] : [h, hook];
  }

  /**
   * Gives up on an unsettled task (it lost a race): it will never settle, and what it waits
   * on is cancelled. A settled task is left as it is.
   */
  cancel(): void {
    if (this.state !== 'pending' || this.cancelled) return;
    this.cancelled = true;
    const hooks = this.cancelHooks;
    this.cancelHooks = null;
    this.slot?.owner.cancelSlot(this.slot.eventId, 'it lost a race');
    if (typeof hooks === 'function') hooks();
    else if (hooks) for (const h of hooks) h();
  }

  /** Calls `listener` once the task settles (at once when it already has). */
  onSettled(listener: Listener): void {
    if (this.state !== 'pending') listener();
    else (this.listeners ??= []).push(listener);
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const promise = new Promise<T>((resolve, reject) => {
      this.onSettled(() => (this.state === 'ok' ? resolve(this.value as T) : reject(this.error)));
    });
    return promise.then(onFulfilled, onRejected);
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const l of listeners) l();
  }
}

export function isTask(value: unknown): value is Task<unknown> {
  return value instanceof Task;
}

/** A task that settles with the outcome of an async function built from other tasks. */
export function taskFromAsync<T>(kind: string, run: () => Promise<T>): Task<T> {
  const task = new Task<T>(kind);
  const group = new CancelGroup(currentGroup());
  task.onCancel(() => group.cancel());
  runInGroup(group, run).then(
    (v) => (group.close(), task.resolve(v)),
    (e) => (group.close(), task.reject(e)),
  );
  return task;
}
