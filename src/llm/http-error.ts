/**
 * Maps an SDK's error (OpenAI, Anthropic, Ollama) to our typed errors: which statuses are
 * worth retrying, and how long the provider asked us to wait. Messages never carry keys.
 */
import { LlmError, LlmRateLimitError, LlmRequestError, LlmTimeoutError } from './errors.js';

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: unknown): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = header(headers, 'retry-after');
  if (after === undefined) return undefined;
  if (Number.isFinite(Number(after))) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/**
 * What an LLM error keeps of the SDK's error: never the object itself, whose request,
 * headers and nested causes can carry the API key when printed.
 */
export interface LlmErrorCause {
  name: string;
  message: string;
  status?: number;
  code?: string;
}

type SdkError = { status?: number; status_code?: number; headers?: unknown; name?: string; message?: string; code?: unknown; cause?: unknown };

function safeCause(e: SdkError, err: unknown, secrets: (string | undefined)[]): LlmErrorCause {
  const inner = e.cause as SdkError | undefined;
  const detail = inner?.message ? `${e.message ?? String(err)} (${inner.name ?? 'Error'}: ${inner.message})` : (e.message ?? String(err));
  const cause: LlmErrorCause = { name: e.name ?? 'Error', message: redact(detail, secrets) };
  const status = e.status ?? e.status_code;
  if (status !== undefined) cause.status = status;
  const code = typeof e.code === 'string' ? e.code : typeof inner?.code === 'string' ? inner.code : undefined;
  if (code !== undefined) cause.code = redact(code, secrets);
  return cause;
}

export function toLlmError(err: unknown, provider: string, secrets: (string | undefined)[] = []): LlmError {
  if (err instanceof LlmError) return err;
  const e = (err ?? {}) as SdkError;
  const status = e.status ?? e.status_code;
  const cause = safeCause(e, err, secrets);
  let message = redact(`${provider}: ${e.message ?? String(err)}`, secrets);
  if (e.name === 'AbortError' || e.name === 'APIUserAbortError' || e.name === 'APIConnectionTimeoutError' || e.name === 'TimeoutError') {
    return new LlmTimeoutError(message, { retryable: true, cause });
  }
  if (status === undefined) {
    // No HTTP status: a network failure (refused, reset) is worth another try.
    return new LlmRequestError(message, { retryable: true, cause });
  }
  const wait = retryAfterMs(e.headers);
  message = `${message} (HTTP ${status})`;
  const opts = { retryable: RETRYABLE.has(status), status, cause, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  return status === 429 ? new LlmRateLimitError(message, opts) : new LlmRequestError(message, opts);
}

/** Removes secrets (API keys) from text that may end up in logs or history. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
