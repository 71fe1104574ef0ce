/**
 * The context handed to orchestration code: the durable primitives (durable-context.ts)
 * plus the replay-safe LLM operations, each built on `requestLlm` (one LlmRequested /
 * LlmCompleted pair per attempt) and the execution's LLM ledger.
 */
import type { DurableTask, LlmCallOptions, LlmContextOptions, OrchestrationContext } from './context-api.js';
import { DurableContext } from './durable-context.js';
import { Task, taskFromAsync } from './durable-task.js';
import type { Json, LlmUsage } from './history.js';
import { assertJson } from './json-value.js';
import type { LlmBudget } from './llm-ledger.js';
import { runLlmOperation } from './llm-operation-runner.js';
import * as ops from '../llm/operations/index.js';
import { requireText } from '../llm/operations/operation-spec.js';
import type { LlmOperationMethods } from './context-api.js';
import type { SchemaLike } from '../llm/json-schema.js';
import { assertValidSchema } from '../llm/json-schema.js';
import type { ToolDefinition } from '../tools/registry.js';

export { MAX_TIMER_MS } from './durable-context.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class OrchestrationContextImpl extends DurableContext implements OrchestrationContext {
  /** Token usage of LLM operations recorded so far in this execution. */
  llmUsage(): LlmUsage {
    return this.engine.ledger.usage;
  }

  // ----- LLM operations -----

  /** StaleContextError once the turn has ended (generated methods check before their arguments). */
  assertOpenFor(method: string): void {
    this.engine.assertOpen(method);
  }

  /** Runs one LLM operation from its spec: the attempts are recorded LLM calls. */
  llmOp<A, T>(spec: ops.OperationSpec<A, T>, args: A, opts?: LlmCallOptions, validator?: ops.TextValidator): Task<T> {
    this.engine.assertOpen(spec.operation);
    return taskFromAsync(spec.operation, () => runLlmOperation(this, spec, args, opts, validator));
  }




  classify<L extends string>(text: string, categories: readonly L[], opts?: LlmCallOptions): DurableTask<L> {
    ops.validateCategories(categories);
    return this.llmOp(ops.classifySpec, { text: requireText(text, 'classify', 'text'), categories }, opts) as Task<L>;
  }


  generateStructured<T = unknown>(prompt: string, schema: SchemaLike, opts?: LlmCallOptions): DurableTask<T> {
    assertValidSchema(schema, 'The schema given to ctx.generateStructured');
    return this.llmOp(ops.generateStructuredSpec, { prompt: requireText(prompt, 'generateStructured', 'prompt'), schema }, opts) as Task<T>;
  }



  generateWithContext(prompt: string, opts: LlmContextOptions = {}): DurableTask<string> {
    const { system, context: legacyContext, customContext, maxContextTokens, includeHistory, includeState, includeActivityResults, ...call } = opts;
    if (legacyContext !== undefined && customContext !== undefined) {
      throw new TypeError('ctx.generateWithContext(): give customContext or context (the same option), not both');
    }
    const context = customContext ?? legacyContext;
    if (context !== undefined) assertJson(context, 'The context given to ctx.generateWithContext');
    const flags = { includeHistory, includeState, includeActivityResults };
    for (const [key, value] of Object.entries(flags)) {
      if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`ctx.generateWithContext(): ${key} must be true or false (got ${JSON.stringify(value)})`);
    }
    return this.llmOp(
      ops.generateWithContextSpec,
      {
        prompt: requireText(prompt, 'generateWithContext', 'prompt'),
        snapshot: this.engine.snapshot(),
        ...(system !== undefined ? { system } : {}),
        ...(context !== undefined ? { custom: context } : {}),
        ...(maxContextTokens !== undefined ? { maxContextTokens } : {}),
        ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
      },
      call,
    );
  }

  generateValidated(prompt: string, validator: ops.TextValidator, maxAttempts?: number, opts?: LlmCallOptions): DurableTask<string>;
  generateValidated<T = string>(prompt: string, options: ops.ValidatedOptions<T>, opts?: LlmCallOptions): DurableTask<T>;
  generateValidated(
    prompt: string,
    validatorOrOptions: ops.TextValidator | ops.ValidatedOptions<unknown>,
    maxAttemptsOrOpts?: number | LlmCallOptions,
    textFormOpts?: LlmCallOptions,
  ): DurableTask<unknown> {
    const text = requireText(prompt, 'generateValidated', 'prompt');
    if (typeof validatorOrOptions === 'function') {
      const maxAttempts = (maxAttemptsOrOpts as number | undefined) ?? 3;
      return this.llmOp(ops.generateValidatedSpec, { prompt: text, maxAttempts }, textFormOpts, validatorOrOptions);
    }
    if (typeof validatorOrOptions !== 'object' || validatorOrOptions === null) {
      throw new TypeError('ctx.generateValidated(prompt, validator): give a validator function or { validate?, schema?, maxAttempts? }');
    }
    const { validate, schema, maxAttempts = 3, system } = validatorOrOptions;
    if (validate !== undefined && typeof validate !== 'function') throw new TypeError('ctx.generateValidated(prompt, { validate }): validate must be a function');
    if (schema !== undefined) assertValidSchema(schema, 'The schema given to ctx.generateValidated');
    const args: ops.ValidatedArgs = { prompt: text, maxAttempts, ...(system !== undefined ? { system } : {}), ...(schema !== undefined ? { schema } : {}) };
    // The runner hands validators the answer's text; this one sees the parsed value.
    const onText: ops.TextValidator | undefined = validate && ((answer) => {
      const parsed = ops.parseValidated(answer, args);
      return parsed.ok ? validate(parsed.value) : parsed.feedback;
    });
    return this.llmOp(ops.generateValidatedSpec, args, maxAttemptsOrOpts as LlmCallOptions | undefined, onText);
  }

  describeTools(): ToolDefinition[] {
    this.engine.assertOpen('describeTools');
    return this.engine.tools();
  }

  /** Sets a token and/or cost budget for this execution's LLM operations. */
  setLlmBudget(budget: LlmBudget | null): void {
    this.engine.assertOpen('setLlmBudget');
    this.engine.setLlmBudget(budget);
  }

  /** Throws LlmBudgetExceededError before a provider is called once the budget is spent. */
  assertWithinLlmBudget(operation: string): void {
    this.engine.ledger.assertWithinBudget(operation);
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
      this.scheduleLlmWork(call, event.eventId);
    }
    return task as Task<LlmCallResult>;
  }

  /** A new LLM call: a work item for a worker, or — when no worker could ever take it — a failure recorded at once. */
  private scheduleLlmWork(call: LlmCall, eventId: number): void {
    const error = this.engine.llmUnavailable(call.provider);
    if (error) {
      this.engine.addMessage({ kind: 'LlmFailed', instanceId: this.instanceId, executionId: this.executionId, sourceEventId: eventId, error });
    } else {
      this.engine.addWorkItem({
        queue: 'llm',
        kind: 'ExecuteLlm',
        instanceId: this.instanceId,
        executionId: this.executionId,
        eventId,
        operation: call.operation,
        provider: call.provider,
        request: call.request,
      });
    }
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

// The methods of every spec that is a ctx method by itself (src/llm/operations, `ctxOperation`):
// adding such a spec adds its method here and its type to OrchestrationContext.
// Declaration merging types the methods installed below (a class cannot implement a mapped type).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface OrchestrationContextImpl extends LlmOperationMethods {}
for (const spec of Object.values(ops)) {
  if (!isMethodSpec(spec)) continue;
  Object.defineProperty(OrchestrationContextImpl.prototype, spec.operation, {
    configurable: true,
    writable: true,
    value(this: OrchestrationContextImpl, ...args: unknown[]) {
      this.assertOpenFor(spec.operation);
      const fromCall = spec.ctx.fromCall as (...callArgs: unknown[]) => unknown;
      return this.llmOp(spec, fromCall(...args.slice(0, spec.ctx.arity)), args[spec.ctx.arity] as LlmCallOptions | undefined);
    },
  });
}

function isMethodSpec(value: unknown): value is ops.MethodSpec<string, unknown, unknown, unknown[]> {
  return typeof value === 'object' && value !== null && typeof (value as { ctx?: { fromCall?: unknown } }).ctx?.fromCall === 'function';
}
