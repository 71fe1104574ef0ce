/**
 * Errors of the runtime. Each is a named class whose message says what happened and what
 * to do; the name survives the trip through history (`ErrorDetails.name`).
 */
import type { ErrorDetails } from './history.js';
import { DuroxideError, rehydrate } from '../duroxide-error.js';
import * as llmErrors from '../llm/errors.js';
import { InvalidSchemaError } from '../llm/json-schema.js';
import * as storeErrors from '../store/errors.js';
import * as self from './errors.js';
import { DecoratorUsageError } from '../tools/decorators.js';
import { InvalidToolExampleError } from '../tools/invalid-tool-example-error.js';

export { DuroxideError };

/** The code no longer matches the history it is replaying. */
export class NondeterminismError extends DuroxideError {}

/** An activity failed (after its retries); `cause` holds the activity's own error. */
export class ActivityFailedError extends DuroxideError {
  /** False when retrying cannot help (an unknown activity, a result that cannot be stored). */
  readonly retryable?: boolean;

  constructor(
    readonly activityName: string,
    readonly details: ErrorDetails,
  ) {
    super(`Activity "${activityName}" failed: ${details.name}: ${details.message}`);
    if (details.retryable !== undefined) this.retryable = details.retryable;
  }
}

/** A sub-orchestration failed; `details` holds the child's error. */
export class SubOrchestrationFailedError extends DuroxideError {
  constructor(
    readonly orchestrationName: string,
    readonly childInstanceId: string,
    readonly details: ErrorDetails,
  ) {
    super(`Sub-orchestration "${orchestrationName}" (${childInstanceId}) failed: ${details.name}: ${details.message}`);
  }
}

/** An activity call (all attempts) or a single attempt ran past its timeout. */
export class ActivityTimeoutError extends DuroxideError {}

/** The instance was cancelled through `client.cancelInstance`. */
export class CancelledError extends DuroxideError {
  constructor(readonly reason: string) {
    super(`The orchestration was cancelled: ${reason}`);
  }
}

export class UnknownOrchestrationError extends DuroxideError {
  constructor(name: string, version: string | undefined, known: string[]) {
    super(
      `No orchestration named "${name}"${version ? ` with version ${version}` : ''} is registered. ` +
        `Registered: ${known.length ? known.join(', ') : '(none)'}. ` +
        'Register it with runtime.registerOrchestration(name, fn) or runtime.register(Class) before starting it.',
    );
  }
}

export class UnknownActivityError extends DuroxideError {
  constructor(name: string, known: string[]) {
    super(
      `No activity named "${name}" is registered. Registered: ${known.length ? known.join(', ') : '(none)'}. ` +
        'Register it with runtime.registerActivity(name, fn) or an @activity method.',
    );
  }
}

export class DuplicateRegistrationError extends DuroxideError {}

/** A value that must be stored in history is not plain JSON. */
export class NonJsonValueError extends DuroxideError {}

/** A value bound for history is larger than the runtime's `maxPayloadBytes`. */
export class PayloadTooLargeError extends DuroxideError {}

/** A timer (or a delay built on one) is negative, not a number, or beyond MAX_TIMER_MS. */
export class TimerOutOfRangeError extends DuroxideError {}

/** The orchestration awaited something that is not a durable task, so it can never resume. */
export class NonDurableAwaitError extends DuroxideError {}

/** Orchestration code called something that would decide differently on replay (Date.now(), fetch, …). */
export class NonDeterministicCallError extends DuroxideError {}

/** A ctx method was called after its turn ended (a stale context). */
export class StaleContextError extends DuroxideError {}

/** A turn kept failing; the instance was failed instead of retrying forever. */
export class PoisonMessageError extends DuroxideError {}

export class InstanceNotFoundError extends DuroxideError {
  constructor(readonly instanceId: string) {
    super(`No orchestration instance with id "${instanceId}" exists. Start it first with client.startOrchestration().`);
  }
}

export class WaitTimeoutError extends DuroxideError {}

/** The orchestration ended in failure; `details` is what history recorded. */
export class OrchestrationFailedError extends DuroxideError {
  constructor(
    readonly instanceId: string,
    readonly details: ErrorDetails,
  ) {
    super(`Orchestration ${instanceId} failed: ${details.name}: ${details.message}`);
  }
}

/** An LLM operation got no valid answer after all its re-asks. */
export class LlmOperationFailedError extends DuroxideError {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly lastFeedback: string,
  ) {
    super(`ctx.${operation}() got no valid answer in ${attempts} attempt(s). Last problem: ${lastFeedback}`);
  }
}

/** An LLM operation was not sent because the execution's budget is spent. */
export class LlmBudgetExceededError extends DuroxideError {}

export class LlmProviderNotConfiguredError extends DuroxideError {
  constructor(name: string, known: string[]) {
    super(
      `No LLM provider named "${name}" is configured on this runtime (configured: ${known.join(', ') || 'none'}). ` +
        'Pass it to new Runtime({ llm: { default: provider, [name]: provider } }).',
    );
  }
}

/** Turns any thrown value into the details kept in history. */
export function toErrorDetails(err: unknown, retryable?: boolean): ErrorDetails {
  if (err instanceof Error) {
    const details: ErrorDetails = { name: err.name || 'Error', message: err.message };
    const flag = retryable ?? (err as { retryable?: unknown }).retryable;
    if (typeof flag === 'boolean') details.retryable = flag;
    return details;
  }
  return { name: 'Error', message: typeof err === 'string' ? err : safeString(err) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

let known: Map<string, ErrorClass> | null = null;

/**
 * Every error class of the package by name, so a stored error comes back as its class: this
 * module's own (a new one here is known at once), the LLM layer's, the stores' and the tools'.
 */
function knownErrors(): Map<string, ErrorClass> {
  const candidates: unknown[] = Object.values({ ...self, ...llmErrors, ...storeErrors, InvalidSchemaError, DecoratorUsageError, InvalidToolExampleError });
  return (known ??= new Map(
    candidates
      .filter((v): v is ErrorClass => typeof v === 'function' && v.prototype instanceof Error)
      .map((cls) => [cls.name, cls] as const),
  ));
}

/**
 * Rebuilds an Error from stored details: an instance of the original class when it is one of
 * ours (so `instanceof LlmRateLimitError` holds for a replayed failure), a plain Error with the
 * original name otherwise. Only the stored fields come back (message, name, code, retryable).
 */
export function fromErrorDetails(details: ErrorDetails): Error {
  const cls = knownErrors().get(details.name);
  if (!cls) {
    const err = new Error(details.message);
    err.name = details.name;
    return err;
  }
  return rehydrate(cls, details.name, details.message, details.retryable);
}
