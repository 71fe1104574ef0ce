/**
 * The public shape of the contexts handed to orchestration and activity code.
 * Implementations: `orchestration-context.ts` (on `durable-context.ts`) and `activityContext()` in `activity-worker.ts`.
 */
import type { Json, LlmUsage } from './history.js';
import type * as ops from '../llm/operations/index.js';
import type { ParseResult } from '../llm/operations/operation-spec.js';
import type { TextValidator, ValidatedOptions } from '../llm/operations/generate-validated.js';
import type { SchemaLike } from '../llm/json-schema.js';
import type { ToolDefinition } from '../tools/registry.js';
import type { ActivityCalls, OrchestrationInput, OrchestrationOutput, OrchestrationRef, RefTarget } from './typed-calls.js';
import type { LlmBudget } from './llm-ledger.js';

/**
 * Inputs and outputs are typed `unknown` at the edges so your own interfaces fit; at run time
 * they must be plain JSON (checked, with a NonJsonValueError naming the bad path).
 */

/** A durable task: a lazy thenable that settles when its completion is in history. */
export interface DurableTask<T> extends PromiseLike<T> {
  readonly kind: string;
}

export interface BackoffPolicy {
  kind: 'fixed' | 'linear' | 'exponential';
  /** First delay (fixed: every delay). */
  delayMs: number;
  /** Exponential factor (default 2). */
  factor?: number;
  maxDelayMs?: number;
}

export interface RetryPolicy {
  /** Total attempts, the first included (default 1: no retry). */
  maxAttempts: number;
  backoff?: BackoffPolicy;
  /** Each attempt races a durable timer; a late result is ignored. */
  attemptTimeoutMs?: number;
}

/** Options of one `ctx.scheduleActivity` call: how it is retried and timed out. */
export interface ScheduleActivityOptions {
  retry?: RetryPolicy;
  /** Timeout of the whole call, all attempts included. */
  timeoutMs?: number;
}

/** @deprecated Use ScheduleActivityOptions (the same type). */
export type ActivityOptions = ScheduleActivityOptions;

export interface SubOrchestrationOptions {
  instanceId?: string;
  version?: string;
}

export interface RaceResult<T = unknown> {
  index: number;
  value: T;
}

/** What `ctx.race` resolves to: one `{ index, value }` member per task, so `index` narrows `value`. */
export type RaceOutcome<T extends readonly unknown[]> = number extends T['length']
  ? { index: number; value: T[number] extends DurableTask<infer V> ? V : never }
  : { [K in keyof T]: { index: K extends `${infer N extends number}` ? N : never; value: T[K] extends DurableTask<infer V> ? V : never } }[number];

/** Per-call settings of an LLM operation. */
export interface LlmCallOptions {
  /** Name of a provider given to the Runtime (`llm: { default, [name]: provider }`). */
  provider?: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  /** Answer identical prompts within one execution once. */
  dedupe?: boolean;
}

/** Options of `ctx.generateWithContext`. */
export interface LlmContextOptions extends LlmCallOptions {
  system?: string;
  /** Your own data to include (JSON). */
  context?: unknown;
  /** The same as `context` (give one of the two). */
  customContext?: unknown;
  /** Trim the context, oldest entries first, to about this many tokens. */
  maxContextTokens?: number;
  /** Timers fired, events received, sub-orchestration results, earlier LLM answers (default true). */
  includeHistory?: boolean;
  /** The custom status (default true). */
  includeState?: boolean;
  /** Activity results, successes and failures (default true). */
  includeActivityResults?: boolean;
}

export type TraceLevel = 'debug' | 'info' | 'warn' | 'error';

/** The specs that are ctx methods by themselves (`ctxOperation`): every one in src/llm/operations. */
type MethodSpecs = Extract<(typeof ops)[keyof typeof ops], { ctx: { fromCall: (...args: any[]) => unknown }; operation: string }>;
type ResultOf<S> = S extends { parse(...args: any[]): ParseResult<infer T> } ? T : never;

/** `ctx.<operation>(...args, opts?)` for each spec with a ctx adapter: one spec file adds one method. */
export type LlmOperationMethods = {
  [S in MethodSpecs as S['operation']]: (...args: [...Parameters<S['ctx']['fromCall']>, opts?: LlmCallOptions]) => DurableTask<ResultOf<S>>;
};

export interface OrchestrationContext extends LlmOperationMethods {
  readonly instanceId: string;
  readonly executionId: number;
  readonly orchestrationName: string;
  readonly orchestrationVersion: string;
  /** True while the code re-runs events already in history. */
  readonly isReplaying: boolean;

  scheduleActivity<T = Json>(name: string, input?: unknown, opts?: ScheduleActivityOptions): DurableTask<T>;
  scheduleTimer(ms: number): DurableTask<void>;
  /**
   * The next external event `name` (`client.raiseEvent`). Events raised before the wait are
   * buffered; a wait that lost a race is dropped, so the event goes to the next wait.
   */
  waitForEvent<T = Json>(name: string): DurableTask<T>;
  /** The next message of persistent event queue `queue` (`client.enqueueEvent`), FIFO. */
  dequeueEvent<T = Json>(queue: string): DurableTask<T>;
  /** Starts another instance fire-and-forget (no parent link); returns its instance id. */
  scheduleOrchestration(name: string, instanceId?: string, input?: unknown, opts?: { version?: string }): string;
  scheduleSubOrchestration<T = Json>(name: string, input?: unknown, opts?: SubOrchestrationOptions): DurableTask<T>;
  /** Ends this execution and starts a fresh one with `input` (and optionally another version). */
  continueAsNew(input: unknown, opts?: { version?: string }): DurableTask<never>;
  /**
   * Runs `fn` (plain async code that awaits only ctx tasks) as one durable task, so it can be
   * passed to `ctx.all` / `ctx.race`. Nothing of its own is recorded; it re-runs on replay.
   */
  task<T>(fn: () => Promise<T>): DurableTask<T>;
  all<T extends readonly DurableTask<unknown>[]>(
    tasks: T,
  ): DurableTask<{ [K in keyof T]: T[K] extends DurableTask<infer V> ? V : never }>;
  /** The first task to finish, as `{ index, value }` discriminated by index; the losers are cancelled. */
  race<T extends readonly DurableTask<unknown>[]>(tasks: readonly [...T]): DurableTask<RaceOutcome<T>>;
  race<T extends readonly DurableTask<unknown>[]>(...tasks: T): DurableTask<RaceOutcome<T>>;
  /**
   * Typed activity calls: `ctx.activities(PaymentActivities).charge(input)` checks the name,
   * the input and the result against the `@activity` methods (or a record of activity
   * functions; with only a type argument, property names are the activity names).
   */
  activities<T>(source?: T): ActivityCalls<T>;
  /** A typed sub-orchestration: its class (or `{ name, fn }`), input and result checked. */
  subOrchestration<R extends OrchestrationRef>(
    ref: R,
    input: OrchestrationInput<RefTarget<R>>,
    opts?: SubOrchestrationOptions,
  ): DurableTask<OrchestrationOutput<RefTarget<R>>>;
  newGuid(): string;
  utcNow(): number;
  setCustomStatus(status: unknown): void;
  trace(level: TraceLevel, message: string, fields?: Record<string, unknown>): void;
  traceInfo(message: string, fields?: Record<string, unknown>): void;
  traceWarn(message: string, fields?: Record<string, unknown>): void;
  traceError(message: string, fields?: Record<string, unknown>): void;
  traceDebug(message: string, fields?: Record<string, unknown>): void;
  /** Token usage of LLM operations recorded so far in this execution. */
  llmUsage(): LlmUsage;

  // ----- LLM operations: each call is recorded; a replay never calls the model again -----
  // generate, generateWithSystem, ifTrue, extractFeatures, summarize, sentiment: LlmOperationMethods,
  // typed from their specs. Those with generic or overloaded signatures are declared here.
  /** Exactly one of `categories` (answers are normalised; others are re-asked, then fail). */
  classify<L extends string>(text: string, categories: readonly L[], opts?: LlmCallOptions): DurableTask<L>;
  /** JSON validated against a JSON Schema or zod schema; invalid answers are re-asked. */
  generateStructured<T = unknown>(prompt: string, schema: SchemaLike, opts?: LlmCallOptions): DurableTask<T>;
  /** The prompt plus the orchestration's own context (ids, recent results, events, status). */
  generateWithContext(prompt: string, opts?: LlmContextOptions): DurableTask<string>;
  /** Re-asks with the validator's message until it returns true, up to `maxAttempts`. */
  generateValidated(prompt: string, validator: TextValidator, maxAttempts?: number, opts?: LlmCallOptions): DurableTask<string>;
  /**
   * With `schema`, the answer is parsed as JSON and checked against it, then `validate` sees
   * the typed value; a failure of either is sent back to the model, up to `maxAttempts` (3).
   */
  generateValidated<T = string>(prompt: string, options: ValidatedOptions<T>, opts?: LlmCallOptions): DurableTask<T>;
  /** The activities registered as tools (those with a description, or marked `tool: true`). */
  describeTools(): ToolDefinition[];
  /** A token and/or cost budget for this execution's LLM operations. */
  setLlmBudget(budget: LlmBudget | null): void;
}

export interface ActivityContext {
  readonly instanceId: string;
  readonly executionId: number;
  readonly orchestrationName: string;
  readonly activityName: string;
  /** 1 for the first delivery of this work item; higher after a crash or lock loss. */
  readonly attempt: number;
  /** Aborted when the instance is cancelled or finished, or the runtime shuts down. */
  readonly signal: AbortSignal;
  isCancelled(): boolean;
  trace(level: TraceLevel, message: string, fields?: Record<string, unknown>): void;
}

export type OrchestrationFn<I = any, O = any> = (ctx: OrchestrationContext, input: I) => Promise<O>;
export type ActivityFn<I = any, O = any> = (ctx: ActivityContext, input: I) => Promise<O> | O;
