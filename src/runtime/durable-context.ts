/**
 * The durable primitives of the orchestration context: activities, timers, events,
 * sub-orchestrations, continue-as-new, composition (all, race, task) and the replay-safe
 * helpers. Every method takes a schedule slot through the replay engine, so calls must happen
 * in the same order on every replay. LLM operations build on this (orchestration-context.ts).
 */
import { createHash } from 'node:crypto';
import type {
  DurableTask,
  RaceResult,
  ScheduleActivityOptions,
  SubOrchestrationOptions,
  TraceLevel,
} from './context-api.js';
import type { ContextEngine } from './context-engine.js';
import { Task, isTask, taskFromAsync } from './durable-task.js';
import { DuroxideError, TimerOutOfRangeError } from './errors.js';
import type { Json } from './history.js';
import { checkedJson, jsonHash } from './json-value.js';
import { activityWithRetry, withTimeout } from './retry-composition.js';
import { validateRetryPolicy } from './retry-policy.js';
import { activityCalls, subOrchestrationCall, type ActivityCalls, type OrchestrationInput, type OrchestrationOutput, type OrchestrationRef, type RefTarget } from './typed-calls.js';

/** The longest durable timer: 100 years, representable by every store's timestamp column. */
export const MAX_TIMER_MS = 100 * 365.25 * 24 * 60 * 60 * 1000;

export class DurableContext {
  private guidCounter = 0;

  constructor(protected readonly engine: ContextEngine) {}

  get instanceId(): string {
    return this.engine.instanceId;
  }
  get executionId(): number {
    return this.engine.started.executionId;
  }
  get orchestrationName(): string {
    return this.engine.started.name;
  }
  get orchestrationVersion(): string {
    return this.engine.started.version;
  }
  get isReplaying(): boolean {
    return this.engine.replaying;
  }

  /** A value bound for history: plain JSON within the runtime's size limit. */
  protected toJsonInput(value: unknown, what: string): Json {
    return checkedJson(value, what, this.engine.maxPayloadBytes);
  }

  scheduleActivity<T = Json>(name: string, input?: unknown, opts?: ScheduleActivityOptions): DurableTask<T> {
    this.engine.assertOpen('scheduleActivity');
    if (typeof name !== 'string' || !name) throw new TypeError('ctx.scheduleActivity(name, input): name must be a non-empty string');
    const value = this.toJsonInput(input, `Input of activity "${name}"`);
    if (!opts?.retry && opts?.timeoutMs === undefined) return this.activityAttempt<T>(name, value);
    if (opts.retry) validateRetryPolicy(opts.retry, `retry policy of activity "${name}"`);
    const attempts = taskFromAsync<T>('ActivityWithRetry', () => activityWithRetry<T>(this, name, value, opts.retry));
    if (opts.timeoutMs === undefined) return attempts;
    return withTimeout(this, attempts, opts.timeoutMs, `Activity "${name}" did not finish within ${opts.timeoutMs} ms`);
  }

  /** One attempt: one ActivityScheduled slot and, when new, its work item. */
  activityAttempt<T>(name: string, input: Json): Task<T> {
    const inputHash = jsonHash(input);
    const { event, task, isNew } = this.engine.claim(
      { kind: 'ActivityScheduled', name, input, inputHash },
      `scheduleActivity("${name}")`,
      (r) =>
        r.name !== name
          ? `it scheduled activity "${name}" instead of "${r.name}"`
          : r.inputHash !== inputHash
            ? `activity "${name}" got a different input (hash ${inputHash} instead of ${r.inputHash})`
            : null,
    );
    if (isNew) {
      this.engine.addWorkItem({
        queue: 'activity',
        kind: 'ExecuteActivity',
        instanceId: this.instanceId,
        executionId: this.executionId,
        eventId: event.eventId,
        name,
        input,
        orchestrationName: this.orchestrationName,
      });
    }
    return task as Task<T>;
  }

  scheduleTimer(ms: number): DurableTask<void> {
    this.engine.assertOpen('scheduleTimer');
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) {
      throw new TimerOutOfRangeError(
        `ctx.scheduleTimer(ms): ms must be a number from 0 to ${MAX_TIMER_MS} (100 years), got ${String(ms)}. ` +
          'For longer waits, sleep in steps (a loop of timers, or continueAsNew between them).',
      );
    }
    const fireAtMs = this.engine.newEventTimeMs + ms;
    const { event, task, isNew } = this.engine.claim({ kind: 'TimerCreated', fireAtMs }, `scheduleTimer(${ms})`, () => null);
    if (isNew) {
      this.engine.addMessage(
        { kind: 'TimerFired', instanceId: this.instanceId, executionId: this.executionId, sourceEventId: event.eventId, fireAtMs },
        fireAtMs,
      );
    }
    return task as Task<void>;
  }

  waitForEvent<T = Json>(name: string): DurableTask<T> {
    this.engine.assertOpen('waitForEvent');
    if (typeof name !== 'string' || !name) throw new TypeError('ctx.waitForEvent(name): name must be a non-empty string');
    const { task } = this.engine.claim({ kind: 'ExternalSubscribed', name }, `waitForEvent("${name}")`, (r) =>
      r.name !== name ? `it waits for event "${name}" instead of "${r.name}"` : null,
    );
    this.engine.subscribe(name, task as Task<Json>);
    return task as Task<T>;
  }

  /**
   * Waits for the next message of persistent event queue `queue` (`client.enqueueEvent`):
   * first in, first out, buffered until dequeued, carried across continueAsNew.
   */
  dequeueEvent<T = Json>(queue: string): DurableTask<T> {
    this.engine.assertOpen('dequeueEvent');
    if (typeof queue !== 'string' || !queue) throw new TypeError('ctx.dequeueEvent(queue): queue must be a non-empty string');
    const { task } = this.engine.claim({ kind: 'QueueSubscribed', queue }, `dequeueEvent("${queue}")`, (r) =>
      r.queue !== queue ? `it dequeues from "${queue}" instead of "${r.queue}"` : null,
    );
    this.engine.subscribeQueue(queue, task as Task<Json>);
    return task as Task<T>;
  }

  /**
   * Starts another instance, fire-and-forget: no parent link (it is not cancelled with this
   * one, and its outcome does not come back). Returns its instance id: `instanceId`, or one
   * derived from this call's place in history (the same on every replay). Starting an id
   * that already exists leaves that instance as it is.
   */
  scheduleOrchestration(name: string, instanceId?: string, input?: unknown, opts: { version?: string } = {}): string {
    this.engine.assertOpen('scheduleOrchestration');
    if (typeof name !== 'string' || !name) throw new TypeError('ctx.scheduleOrchestration(name, instanceId, input): name must be a non-empty string');
    const value = this.toJsonInput(input, `Input of orchestration "${name}"`);
    const inputHash = jsonHash(value);
    const { event, task, isNew } = this.engine.claim(
      { kind: 'OrchestrationChained', name, version: opts.version, instanceId: instanceId ?? '', input: value, inputHash },
      `scheduleOrchestration("${name}")`,
      (r) =>
        r.name !== name
          ? `it starts orchestration "${name}" instead of "${r.name}"`
          : r.inputHash !== inputHash
            ? `orchestration "${name}" got a different input`
            : instanceId !== undefined && instanceId !== r.instanceId
              ? `a different instance id "${instanceId}"`
              : null,
    );
    if (isNew && !event.instanceId) event.instanceId = `${this.instanceId}::detached-${this.executionId}-${event.eventId}`;
    this.engine.settleClaimed(event.eventId); // nothing to wait for
    task.resolve(event.instanceId);
    if (isNew) {
      this.engine.addMessage({
        kind: 'StartOrchestration',
        instanceId: event.instanceId,
        name,
        ...(opts.version !== undefined ? { version: opts.version } : {}),
        input: value,
      });
    }
    return event.instanceId;
  }

  scheduleSubOrchestration<T = Json>(name: string, input?: unknown, opts?: SubOrchestrationOptions): DurableTask<T> {
    this.engine.assertOpen('scheduleSubOrchestration');
    const value = this.toJsonInput(input, `Input of sub-orchestration "${name}"`);
    const inputHash = jsonHash(value);
    const placeholder = opts?.instanceId ?? '';
    const { event, task, isNew } = this.engine.claim(
      { kind: 'SubOrchestrationScheduled', name, version: opts?.version, instanceId: placeholder, input: value, inputHash },
      `scheduleSubOrchestration("${name}")`,
      (r) =>
        r.name !== name
          ? `it started sub-orchestration "${name}" instead of "${r.name}"`
          : r.inputHash !== inputHash
            ? `sub-orchestration "${name}" got a different input`
            : opts?.instanceId !== undefined && opts.instanceId !== r.instanceId
              ? `a different child instance id "${opts.instanceId}"`
              : null,
    );
    if (isNew) {
      // The child id derives from the slot, so it is the same on every replay.
      if (!event.instanceId) event.instanceId = `${this.instanceId}::sub-${this.executionId}-${event.eventId}`;
      this.engine.addMessage({
        kind: 'StartOrchestration',
        instanceId: event.instanceId,
        name,
        version: opts?.version,
        input: value,
        parentInstanceId: this.instanceId,
        parentExecutionId: this.executionId,
        parentEventId: event.eventId,
      });
    }
    return task as Task<T>;
  }

  continueAsNew(input: unknown, opts?: { version?: string }): DurableTask<never> {
    this.engine.assertOpen('continueAsNew');
    this.engine.requestContinueAsNew(this.toJsonInput(input, 'Input of continueAsNew'), opts?.version);
    return new Task<never>('ContinueAsNew');
  }

  all<T extends readonly DurableTask<unknown>[]>(
    tasks: T,
  ): DurableTask<{ [K in keyof T]: T[K] extends DurableTask<infer V> ? V : never }> {
    this.engine.assertOpen('all');
    const children = asTasks(tasks, 'ctx.all');
    const result = new Task<any>('All');
    result.onCancel(() => children.forEach((c) => c.cancel()));
    const values: unknown[] = new Array(children.length);
    let remaining = children.length;
    if (remaining === 0) result.resolve([]);
    children.forEach((child, i) =>
      child.onSettled(() => {
        if (child.failed) return result.reject(child.failure);
        values[i] = child.result;
        if (--remaining === 0) result.resolve(values);
      }),
    );
    return result;
  }

  race(...args: any[]): DurableTask<RaceResult> {
    this.engine.assertOpen('race');
    const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    const children = asTasks(list, 'ctx.race');
    if (children.length === 0) throw new TypeError('ctx.race() needs at least one task');
    const result = new Task<RaceResult>('Race');
    result.onCancel(() => children.forEach((c) => c.cancel()));
    // The first to settle wins; the losers are cancelled at once (recorded in history).
    const decide = (index: number, child: Task<unknown>) => {
      if (result.settled) return;
      if (child.failed) result.reject(child.failure);
      else result.resolve({ index, value: child.result });
      children.forEach((other, i) => i !== index && other.cancel());
    };
    children.forEach((child, index) => child.onSettled(() => decide(index, child)));
    return result;
  }

  activities<T>(source?: T): ActivityCalls<T> {
    this.engine.assertOpen('activities');
    return activityCalls<T>(this, source);
  }

  subOrchestration<R extends OrchestrationRef>(
    ref: R,
    input: OrchestrationInput<RefTarget<R>>,
    opts?: SubOrchestrationOptions,
  ): DurableTask<OrchestrationOutput<RefTarget<R>>> {
    return subOrchestrationCall(this, ref, input, opts);
  }

  newGuid(): string {
    this.engine.assertOpen('newGuid');
    // Derived from the instance and a per-execution counter: identical on every replay.
    const hex = createHash('sha256')
      .update(`${this.instanceId}\u0000${this.executionId}\u0000${this.guidCounter++}`)
      .digest('hex');
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  utcNow(): number {
    this.engine.assertOpen('utcNow');
    // The time of the history event being processed: the same on every replay.
    return this.engine.currentTimeMs;
  }

  setCustomStatus(status: unknown): void {
    this.engine.assertOpen('setCustomStatus');
    this.engine.setCustomStatus(this.toJsonInput(status, 'Custom status'));
  }

  trace(level: TraceLevel, message: string, fields?: Record<string, unknown>): void {
    this.engine.trace(level, message, fields);
  }
  traceInfo(message: string, fields?: Record<string, unknown>): void {
    this.trace('info', message, fields);
  }
  traceWarn(message: string, fields?: Record<string, unknown>): void {
    this.trace('warn', message, fields);
  }
  traceError(message: string, fields?: Record<string, unknown>): void {
    this.trace('error', message, fields);
  }
  traceDebug(message: string, fields?: Record<string, unknown>): void {
    this.trace('debug', message, fields);
  }

  /**
   * Runs `fn` as one durable task, so plain async code built from ctx tasks (a helper with a
   * loop, a compensation step) can be passed to ctx.all / ctx.race. `fn` must await only ctx
   * tasks: it is re-run on every replay like the rest of the orchestration, and records
   * nothing of its own.
   */
  task<T>(fn: () => Promise<T>): DurableTask<T> {
    this.engine.assertOpen('task');
    if (typeof fn !== 'function') throw new TypeError('ctx.task(fn): fn must be an async function');
    return taskFromAsync<T>('Task', fn);
  }
}

function asTasks(list: readonly unknown[], where: string): Task<unknown>[] {
  return list.map((t, i) => {
    if (!isTask(t)) {
      throw new DuroxideError(
        `${where}: item ${i} is not a ctx task. Pass the tasks returned by ctx methods (without awaiting them); ` +
          'plain Promises are not durable.',
      );
    }
    return t;
  });
}
