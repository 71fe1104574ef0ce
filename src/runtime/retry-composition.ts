/**
 * Retries and timeouts composed from durable primitives: each attempt is its own
 * ActivityScheduled slot, each backoff a durable timer, each timeout a durable timer raced
 * against the work. Nothing here is recorded beyond those slots.
 */
import type { DurableTask, RetryPolicy } from './context-api.js';
import type { DurableContext } from './durable-context.js';
import { taskFromAsync, type Task } from './durable-task.js';
import { ActivityTimeoutError } from './errors.js';
import type { Json } from './history.js';
import { backoffDelayMs } from './retry-policy.js';

/** Attempts an activity until it succeeds, fails for good, or `retry.maxAttempts` is reached. */
export async function activityWithRetry<T>(ctx: DurableContext, name: string, input: Json, retry: RetryPolicy | undefined): Promise<T> {
  const maxAttempts = retry?.maxAttempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    try {
      const call = ctx.activityAttempt<T>(name, input);
      if (retry?.attemptTimeoutMs === undefined) return await call;
      return await withTimeout(ctx, call, retry.attemptTimeoutMs, `Attempt ${attempt} of activity "${name}" did not finish within ${retry.attemptTimeoutMs} ms`);
    } catch (err) {
      if (attempt >= maxAttempts || (err as { retryable?: boolean }).retryable === false) throw err;
      const delay = backoffDelayMs(retry?.backoff, attempt);
      // Logged by the runtime at warn (silent on replay): retries should not go unnoticed.
      ctx.traceWarn(`duroxide: activity "${name}" attempt ${attempt} of ${maxAttempts} failed; retrying in ${delay} ms`, {
        activity: name,
        attempt,
        error: err instanceof Error ? err.message : String(err),
        retryInMs: delay,
      });
      if (delay > 0) await ctx.scheduleTimer(delay);
    }
  }
}

/** `work`, or ActivityTimeoutError(message) when a durable timer of `ms` fires first. */
export function withTimeout<T>(ctx: DurableContext, work: DurableTask<T>, ms: number, message: string): Task<T> {
  return taskFromAsync<T>('Timeout', async () => {
    const winner = await ctx.race([work, ctx.scheduleTimer(ms)]);
    if (winner.index === 1) throw new ActivityTimeoutError(message);
    return winner.value as T;
  });
}
