/**
 * The context handed to orchestration code. Every method takes a schedule slot through the
 * replay engine, so calls must happen in the same order on every replay.
 */
import { createHash } from 'node:crypto';
import type {
  ScheduleActivityOptions,
  DurableTask,
  OrchestrationContext,
  RaceResult,
  RetryPolicy,
  SubOrchestrationOptions,
  TraceLevel,
} from './context-api.js';
import { Task, isTask, taskFromAsync } from './durable-task.js';
import { ActivityTimeoutError, DuroxideError, TimerOutOfRangeError } from './errors.js';
import type { Json, LlmUsage } from './history.js';
import { assertJson, checkedJson, jsonHash } from './json-value.js';
import type { Replayer } from './replay-engine.js';
import { backoffDelayMs, validateRetryPolicy } from './retry-policy.js';
import { LlmBudgetExceededError, costUsd, runLlmOperation, type LlmBudget } from './llm-operation-runner.js';
import type { LlmCallOptions, LlmContextOptions } from './context-api.js';
import * as ops from '../llm/operations/index.js';
import type { SchemaLike } from '../llm/json-schema.js';
import { assertValidSchema } from '../llm/json-schema.js';
import type { ToolDefinition } from '../tools/registry.js';

/** The longest durable timer: 100 years, representable by every store's timestamp column. */
export const MAX_TIMER_MS = 100 * 365.25 * 24 * 60 * 60 * 1000;

export class OrchestrationContextImpl implements OrchestrationContext {
  private guidCounter = 0;
  private budget: LlmBudget | null = null;

  constructor(private readonly engine: Replayer) {}

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
  private toJsonInput(value: unknown, what: string): Json {
    return checkedJson(value, what, this.engine.maxPayloadBytes);
  }

  scheduleActivity<T = Json>(name: string, input?: unknown, opts?: ScheduleActivityOptions): DurableTask<T> {
    this.engine.assertOpen('scheduleActivity');
    if (typeof name !== 'string' || !name) throw new TypeError('ctx.scheduleActivity(name, input): name must be a non-empty string');
    const value = this.toJsonInput(input, `Input of activity "${name}"`);
    if (!opts?.retry && opts?.timeoutMs === undefined) return this.activityAttempt<T>(name, value);
    if (opts.retry) validateRetryPolicy(opts.retry, `retry policy of activity "${name}"`);
    const attempts = taskFromAsync<T>('ActivityWithRetry', () => this.runWithRetry<T>(name, value, opts.retry));
    if (opts.timeoutMs === undefined) return attempts;
    return this.withTimeout(attempts, opts.timeoutMs, `Activity "${name}" did not finish within ${opts.timeoutMs} ms`);
  }

  private activityAttempt<T>(name: string, input: Json): Task<T> {
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

  private async runWithRetry<T>(name: string, input: Json, retry: RetryPolicy | undefined): Promise<T> {
    const maxAttempts = retry?.maxAttempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const call = this.activityAttempt<T>(name, input);
        if (retry?.attemptTimeoutMs === undefined) return await call;
        return await this.withTimeout(
          call,
          retry.attemptTimeoutMs,
          `Attempt ${attempt} of activity "${name}" did not finish within ${retry.attemptTimeoutMs} ms`,
        );
      } catch (err) {
        if (attempt >= maxAttempts || (err as { retryable?: boolean }).retryable === false) throw err;
        const delay = backoffDelayMs(retry?.backoff, attempt);
        if (delay > 0) await this.scheduleTimer(delay);
      }
    }
  }

  private withTimeout<T>(work: DurableTask<T>, ms: number, message: string): Task<T> {
    return taskFromAsync<T>('Timeout', async () => {
      const winner = await this.race([work, this.scheduleTimer(ms)]);
      if (winner.index === 1) throw new ActivityTimeoutError(message);
      return winner.value as T;
    });
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
    children.forEach((child, index) =>
      child.onSettled(() => (child.failed ? result.reject(child.failure) : result.resolve({ index, value: child.result }))),
    );
    return result;
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

  llmUsage(): LlmUsage {
    return this.engine.llmUsage;
  }

  // ----- LLM operations -----

  private llmOp<A, T>(spec: ops.OperationSpec<A, T>, args: A, opts?: LlmCallOptions, validator?: ops.TextValidator): Task<T> {
    this.engine.assertOpen(spec.operation);
    return taskFromAsync(spec.operation, () => runLlmOperation(this, spec, args, opts, validator));
  }

  generate(prompt: string, opts?: LlmCallOptions): DurableTask<string> {
    return this.llmOp(ops.generateSpec, { prompt: requireText(prompt, 'generate', 'prompt') }, opts);
  }

  generateWithSystem(system: string, prompt: string, opts?: LlmCallOptions): DurableTask<string> {
    return this.llmOp(ops.generateWithSystemSpec, { system: requireText(system, 'generateWithSystem', 'system'), prompt: requireText(prompt, 'generateWithSystem', 'prompt') }, opts);
  }

  ifTrue(question: string, opts?: LlmCallOptions): DurableTask<boolean> {
    return this.llmOp(ops.ifTrueSpec, { question: requireText(question, 'ifTrue', 'question') }, opts);
  }

  classify<L extends string>(text: string, categories: readonly L[], opts?: LlmCallOptions): DurableTask<L> {
    ops.validateCategories(categories);
    return this.llmOp(ops.classifySpec, { text: requireText(text, 'classify', 'text'), categories }, opts) as Task<L>;
  }

  extractFeatures(text: string, features: readonly string[], opts?: LlmCallOptions): DurableTask<Record<string, string>> {
    if (!Array.isArray(features) || features.length === 0) throw new TypeError('ctx.extractFeatures(text, features): give at least one feature name');
    return this.llmOp(ops.extractFeaturesSpec, { text: requireText(text, 'extractFeatures', 'text'), features }, opts);
  }

  generateStructured<T = unknown>(prompt: string, schema: SchemaLike, opts?: LlmCallOptions): DurableTask<T> {
    assertValidSchema(schema, 'The schema given to ctx.generateStructured');
    return this.llmOp(ops.generateStructuredSpec, { prompt: requireText(prompt, 'generateStructured', 'prompt'), schema }, opts) as Task<T>;
  }

  summarize(text: string, maxWords: number, opts?: LlmCallOptions): DurableTask<string> {
    if (!Number.isInteger(maxWords) || maxWords < 1) throw new TypeError('ctx.summarize(text, maxWords): maxWords must be an integer >= 1');
    return this.llmOp(ops.summarizeSpec, { text: requireText(text, 'summarize', 'text'), maxWords }, opts);
  }

  sentiment(text: string, opts?: LlmCallOptions): DurableTask<ops.Sentiment> {
    return this.llmOp(ops.sentimentSpec, { text: requireText(text, 'sentiment', 'text') }, opts);
  }

  generateWithContext(prompt: string, opts: LlmContextOptions = {}): DurableTask<string> {
    const { system, context, maxContextTokens, ...call } = opts;
    if (context !== undefined) assertJson(context, 'The context given to ctx.generateWithContext');
    return this.llmOp(
      ops.generateWithContextSpec,
      {
        prompt: requireText(prompt, 'generateWithContext', 'prompt'),
        snapshot: this.engine.snapshot(),
        ...(system !== undefined ? { system } : {}),
        ...(context !== undefined ? { custom: context } : {}),
        ...(maxContextTokens !== undefined ? { maxContextTokens } : {}),
      },
      call,
    );
  }

  generateValidated(prompt: string, validator: ops.TextValidator, maxAttempts = 3, opts?: LlmCallOptions): DurableTask<string> {
    if (typeof validator !== 'function') throw new TypeError('ctx.generateValidated(prompt, validator): validator must be a function');
    return this.llmOp(ops.generateValidatedSpec, { prompt: requireText(prompt, 'generateValidated', 'prompt'), maxAttempts }, opts, validator);
  }

  describeTools(): ToolDefinition[] {
    this.engine.assertOpen('describeTools');
    return this.engine.tools();
  }

  /** Sets a token and/or cost budget for this execution's LLM operations. */
  setLlmBudget(budget: LlmBudget | null): void {
    this.engine.assertOpen('setLlmBudget');
    this.budget = budget;
  }

  /** Throws LlmBudgetExceededError before a provider is called once the budget is spent. */
  assertWithinLlmBudget(operation: string): void {
    const b = this.budget;
    if (!b) return;
    const used = this.engine.llmUsage;
    const tokens = used.input + used.output;
    if (b.maxTokens !== undefined && tokens >= b.maxTokens) {
      throw new LlmBudgetExceededError(
        `ctx.${operation}() was not sent: this execution used ${tokens} LLM tokens, budget ${b.maxTokens}. ` +
          'Raise the budget with ctx.setLlmBudget() or end the work here.',
      );
    }
    if (b.maxCostUsd !== undefined && b.prices) {
      const cost = costUsd(this.engine.usageByModel, b.prices);
      if (cost >= b.maxCostUsd) {
        throw new LlmBudgetExceededError(
          `ctx.${operation}() was not sent: this execution spent $${cost.toFixed(4)} on LLM calls, budget $${b.maxCostUsd}.`,
        );
      }
    }
  }

  get recordsPrompts(): boolean {
    return this.engine.recordPrompts;
  }

  /**
   * Schedules one LLM call: one LlmRequested/LlmCompleted pair in history. The request runs
   * on a worker; a replay gets the recorded answer. LLM operations are built on this.
   */
  requestLlm(call: LlmCall): Task<LlmCallResult> {
    this.engine.assertOpen(call.operation);
    const original = call.dedupe
      ? this.engine.findClaimed((e) => e.kind === 'LlmRequested' && e.promptHash === call.promptHash && e.dedupeOf === undefined)
      : undefined;
    const { event, task, isNew } = this.engine.claim(
      {
        kind: 'LlmRequested',
        operation: call.operation,
        promptHash: call.promptHash,
        provider: call.provider,
        ...(call.model !== undefined ? { model: call.model } : {}),
        options: call.options,
        ...(call.prompt !== undefined ? { prompt: call.prompt } : {}),
        ...(original ? { dedupeOf: original.event.eventId } : {}),
      },
      `ctx.${call.operation}()`,
      (r) =>
        r.operation !== call.operation
          ? `it called ctx.${call.operation}() where history has ctx.${r.operation}()`
          : r.promptHash !== call.promptHash
            ? `ctx.${call.operation}() got a different prompt or options (hash ${call.promptHash} instead of ${r.promptHash})`
            : null,
    );
    if (original) {
      // Answered by the identical earlier request: no provider call, same result.
      original.task.onSettled(() => {
        this.engine.settleClaimed(event.eventId);
        if (original.task.failed) task.reject(original.task.failure);
        else task.resolve(original.task.result);
      });
    } else if (isNew) {
      this.engine.addWorkItem({
        queue: 'llm',
        kind: 'ExecuteLlm',
        instanceId: this.instanceId,
        executionId: this.executionId,
        eventId: event.eventId,
        operation: call.operation,
        provider: call.provider,
        request: call.request,
      });
    }
    return task as Task<LlmCallResult>;
  }
}

export interface LlmCall {
  operation: string;
  /** Hash of what the caller passed (prompt, schema, options), never of library templates. */
  promptHash: string;
  /** Key of the runtime's provider map (`default` unless the call names one). */
  provider: string;
  model?: string;
  options: Json;
  /** The provider request (JSON); it travels in the work item, not in history. */
  request: Json;
  /** Kept in history only when the runtime records prompts. */
  prompt?: Json;
  dedupe?: boolean;
}

export interface LlmCallResult {
  result: Json;
  tokensUsed: LlmUsage;
  model: string;
}

function requireText(value: unknown, op: string, arg: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new TypeError(`ctx.${op}(): ${arg} must be a non-empty string`);
  return value;
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
