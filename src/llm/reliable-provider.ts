/**
 * ReliableProvider wraps any provider with what production calls need: retries on 429, 408,
 * 5xx and Anthropic's 529 (exponential backoff with full jitter, honouring retry-after),
 * a per-request timeout, a concurrency limit, and requests- and tokens-per-minute limits.
 *
 * The per-minute limits take units from a `RateLimitBackend`: in-process by default; a store
 * shared by many processes (`store.takeRateLimit`) makes them hold across all of them.
 */
import { LlmError, LlmTimeoutError } from './errors.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';
import { requestText } from './request-text.js';
import { estimateTokens } from './token-estimate.js';

/** Takes `cost` units from a sliding window: 0 when taken, else ms to wait. */
export type RateLimitBackend = (req: { key: string; limit: number; windowMs: number; cost: number }) => Promise<number>;

export interface ReliabilityOptions {
  /** Attempts per request, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff (default 500 ms); doubles each retry up to `maxDelayMs` (default 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Longest `retry-after` honoured here (default 60 s). A provider asking for longer fails the
   * call with its rate-limit error at once, so the caller's durable logic decides, instead of
   * a concurrency slot being held for the whole wait.
   */
  maxRetryAfterMs?: number;
  /** Per-attempt timeout (default 120 s). */
  timeoutMs?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** The window the per-minute limits count over (default 60,000 ms; shorter in tests). */
  rateWindowMs?: number;
  /** Where per-minute limits are counted (default: this process). */
  rateLimitBackend?: RateLimitBackend;
  /** Key prefix for the limits (default: the provider's name). */
  limitKey?: string;
}

/** A sliding window in this process. */
export function inProcessRateLimiter(): RateLimitBackend {
  const windows = new Map<string, { at: number; cost: number }[]>();
  return async ({ key, limit, windowMs, cost }) => {
    const now = Date.now();
    const w = (windows.get(key) ?? []).filter((e) => e.at > now - windowMs);
    windows.set(key, w);
    const used = w.reduce((s, e) => s + e.cost, 0);
    if (used + cost <= limit || w.length === 0) {
      w.push({ at: now, cost });
      return 0;
    }
    return Math.max(1, w[0].at + windowMs - now);
  };
}

/** Sleeps `ms`, or rejects when `signal` aborts first; leaves no listener behind. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => (clearTimeout(t), reject(signal!.reason));
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class ReliableProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  private readonly opts: Required<Omit<ReliabilityOptions, 'requestsPerMinute' | 'tokensPerMinute' | 'limitKey' | 'rateWindowMs'>> &
    Pick<ReliabilityOptions, 'requestsPerMinute' | 'tokensPerMinute' | 'limitKey'>;
  private readonly windowMs: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Provider calls made, retries included (for tests and metrics). */
  attempts = 0;

  constructor(
    readonly inner: LlmProvider,
    opts: ReliabilityOptions = {},
  ) {
    this.name = inner.name;
    this.model = inner.model;
    this.windowMs = opts.rateWindowMs ?? 60_000;
    this.opts = {
      maxAttempts: opts.maxAttempts ?? 4,
      baseDelayMs: opts.baseDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
      timeoutMs: opts.timeoutMs ?? 120_000,
      concurrency: opts.concurrency ?? 8,
      rateLimitBackend: opts.rateLimitBackend ?? inProcessRateLimiter(),
      ...(opts.requestsPerMinute !== undefined ? { requestsPerMinute: opts.requestsPerMinute } : {}),
      ...(opts.tokensPerMinute !== undefined ? { tokensPerMinute: opts.tokensPerMinute } : {}),
      ...(opts.limitKey !== undefined ? { limitKey: opts.limitKey } : {}),
    };
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const { beforeAttempt, ...rest } = request;
    for (let attempt = 1; ; attempt++) {
      let waitMs: number;
      await this.acquireSlot();
      try {
        await this.takeRateLimits(rest);
        // Fencing: the caller re-checks it may still send (its lease) right before each attempt.
        await beforeAttempt?.();
        this.attempts++;
        return await this.attemptOnce(rest);
      } catch (err) {
        const e = err instanceof LlmError ? err : undefined;
        if (!e?.retryable || attempt >= this.opts.maxAttempts || request.signal?.aborted) throw err;
        if ((e.retryAfterMs ?? 0) > this.opts.maxRetryAfterMs) throw err;
        const backoff = Math.random() * Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
        waitMs = Math.max(backoff, e.retryAfterMs ?? 0);
      } finally {
        this.releaseSlot();
      }
      await sleep(waitMs, request.signal); // without a slot: other requests go ahead meanwhile
    }
  }

  private async attemptOnce(request: LlmRequest): Promise<LlmResponse> {
    const timeoutMs = request.timeoutMs ?? this.opts.timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new LlmTimeoutError(`${this.name}: no answer within ${timeoutMs} ms`, { retryable: true })), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    try {
      return await Promise.race([
        this.inner.complete({ ...request, signal }),
        new Promise<never>((_, reject) => timeout.signal.addEventListener('abort', () => reject(timeout.signal.reason), { once: true })),
      ]);
    } catch (err) {
      if (timeout.signal.aborted) throw timeout.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async takeRateLimits(request: LlmRequest): Promise<void> {
    const key = this.opts.limitKey ?? this.name;
    const limits: { key: string; limit: number; cost: number }[] = [];
    if (this.opts.requestsPerMinute) limits.push({ key: `${key}:rpm`, limit: this.opts.requestsPerMinute, cost: 1 });
    if (this.opts.tokensPerMinute) {
      const cost = estimateTokens(requestText(request)) + (request.maxTokens ?? 256);
      limits.push({ key: `${key}:tpm`, limit: this.opts.tokensPerMinute, cost });
    }
    for (const l of limits) {
      for (;;) {
        const wait = await this.opts.rateLimitBackend({ ...l, windowMs: this.windowMs });
        if (wait === 0) break;
        await sleep(wait, request.signal);
      }
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.inFlight < this.opts.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => (this.inFlight++, resolve())));
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}
