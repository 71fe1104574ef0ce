/** Poison: work that keeps killing its worker is failed instead of delivered forever. */
import { PoisonMessageError, toErrorDetails } from './errors.js';
import type { ErrorDetails } from './history.js';

/**
 * Work delivered more than `maxAttempts` times never finished once (each delivery crashed its
 * worker or lost its lease): it is failed with PoisonMessageError instead of run again.
 */
export function poisonDetails(what: string, attempt: number, maxAttempts: number): ErrorDetails | null {
  if (attempt <= maxAttempts) return null;
  const err = new PoisonMessageError(
    `${what} was delivered ${attempt} times; the first ${attempt - 1} deliveries never finished (the worker crashed or lost ` +
      `its lease each time), so it was not run again (maxAttempts ${maxAttempts}). Find the crash in the worker logs.`,
  );
  return toErrorDetails(err, false);
}

