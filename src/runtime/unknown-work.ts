/**
 * Work this runtime cannot run because it does not register the code (an orchestration
 * version, an activity): during a rolling deploy another runtime sharing the store may, so
 * the work is abandoned with a growing backoff, and only after `unknownWorkTimeoutMs` of not
 * being able to run it does it fail. Each case is logged once, with the reason.
 */
import type { Logger } from './runtime.js';

const MAX_TRACKED = 10_000;

export class UnknownWorkTracker {
  private readonly waiting = new Map<string, { sinceMs: number; abandons: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** How long to abandon `key` for, or null once its wait is over (then fail it). */
  delayFor(key: string, reason: string, fields: Record<string, unknown>): number | null {
    const now = Date.now();
    let entry = this.waiting.get(key);
    if (!entry) {
      if (this.waiting.size >= MAX_TRACKED) this.waiting.delete(this.waiting.keys().next().value as string);
      this.waiting.set(key, (entry = { sinceMs: now, abandons: 0 }));
      this.logger.warn(`duroxide: this runtime cannot run ${key}; leaving it for another runtime for up to ${this.timeoutMs} ms`, {
        ...fields,
        reason,
      });
    }
    const left = entry.sinceMs + this.timeoutMs - now;
    if (left <= 0) {
      this.waiting.delete(key);
      return null;
    }
    entry.abandons++;
    return Math.max(1, Math.min(250 * 2 ** (entry.abandons - 1), 5_000, left));
  }

  /** Whether any work is waiting for another runtime now (most of the time none is). */
  get tracking(): boolean {
    return this.waiting.size > 0;
  }

  /** The work ran (or another runtime took it): its wait starts afresh next time. */
  forget(key: string): void {
    this.waiting.delete(key);
  }

  /** The suffix for the error once the wait is over. */
  timedOut(): string {
    return ` No runtime sharing this store ran it within unknownWorkTimeoutMs (${this.timeoutMs} ms).`;
  }
}
