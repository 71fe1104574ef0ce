/** Errors of the LLM layer. Messages never include API keys. */

import { DuroxideError } from '../duroxide-error.js';

export class LlmError extends DuroxideError {
  /** Whether the same request may succeed if sent again. */
  readonly retryable: boolean;
  /** HTTP status from the provider, when there was one. */
  readonly status?: number;
  /** Milliseconds the provider asked us to wait (retry-after), when it did. */
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { retryable?: boolean; status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.retryable = opts.retryable ?? false;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A provider was created without what it needs (an API key, an endpoint): nothing was sent. */
export class LlmConfigurationError extends LlmError {}

/** 429: too many requests or tokens. */
export class LlmRateLimitError extends LlmError {}
/** The request ran past its timeout. */
export class LlmTimeoutError extends LlmError {}
/** The model refused, or answered with nothing. */
export class LlmRefusalError extends LlmError {}
/** The provider's SDK is not installed. */
export class LlmProviderUnavailableError extends LlmError {}
/** The answer did not match the requested format (after all re-asks). */
export class LlmResponseFormatError extends LlmError {}
/** A request is not on the cassette of a RecordReplayProvider in replay mode. */
export class CassetteMissError extends LlmError {}
/** The provider rejected the request or failed in a way that retrying will not fix. */
export class LlmRequestError extends LlmError {}
