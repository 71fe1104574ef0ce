/**
 * The root of every error this package throws. Each class has a stable `code` (its name in
 * SCREAMING_SNAKE_CASE, e.g. `LLM_RATE_LIMIT_ERROR`) and a marker, so `DuroxideError.is(err)`
 * and `instanceof` hold across module copies and after an error was stored in history and
 * rehydrated (see `fromErrorDetails` in src/runtime/errors.ts).
 *
 * It lives at the top of src/ so that every layer (runtime, store, llm, tools, diagram) can
 * derive from it without importing another layer.
 */
const MARKER = Symbol.for('duroxide-llm.error');

export class DuroxideError extends Error {
  /** Stable identifier of the error class, for logs, HTTP APIs and `switch` statements. */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = codeOf(new.target.name);
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for any error of this package, also one created by another copy of it. */
  static is(value: unknown): value is DuroxideError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * An instance of `cls` with the given fields, without running its constructor (whose
 * parameters differ per class): how a stored error becomes its class again.
 */
export function rehydrate(cls: abstract new (...args: never[]) => Error, name: string, message: string, retryable?: boolean): Error {
  const err = Object.create(cls.prototype) as Error & Record<string | symbol, unknown>;
  const fields: Record<string, unknown> = { message, name, stack: `${name}: ${message}\n    (rehydrated from history)` };
  if (err instanceof DuroxideError) fields.code = codeOf(name);
  if (retryable !== undefined) fields.retryable = retryable;
  for (const [key, value] of Object.entries(fields)) Object.defineProperty(err, key, { value, writable: true, configurable: true, enumerable: key === 'code' || key === 'retryable' });
  if (err instanceof DuroxideError) Object.defineProperty(err, MARKER, { value: true });
  return err;
}

/** `LlmRateLimitError` -> `LLM_RATE_LIMIT_ERROR`. */
export function codeOf(className: string): string {
  return className
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}
