/** Backoff arithmetic for activity retry policies (the retries themselves are durable timers). */
import type { BackoffPolicy, RetryPolicy } from './context-api.js';

export function backoffDelayMs(backoff: BackoffPolicy | undefined, failedAttempt: number): number {
  if (!backoff) return 0;
  let delay: number;
  switch (backoff.kind) {
    case 'fixed':
      delay = backoff.delayMs;
      break;
    case 'linear':
      delay = backoff.delayMs * failedAttempt;
      break;
    case 'exponential':
      delay = backoff.delayMs * Math.pow(backoff.factor ?? 2, failedAttempt - 1);
      break;
  }
  return Math.min(delay, backoff.maxDelayMs ?? Number.POSITIVE_INFINITY);
}

export function validateRetryPolicy(policy: RetryPolicy, what: string): void {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new TypeError(`${what}: maxAttempts must be an integer >= 1, got ${String(policy.maxAttempts)}`);
  }
  const b = policy.backoff;
  if (b && (!['fixed', 'linear', 'exponential'].includes(b.kind) || !(b.delayMs >= 0))) {
    throw new TypeError(`${what}: backoff needs kind fixed|linear|exponential and delayMs >= 0`);
  }
}
