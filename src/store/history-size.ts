/**
 * The history-size warning. Content addressing keeps the stored bytes small, but replay
 * still loads every event of the current execution as plain values: past a threshold (JSON
 * characters of the execution's events, default 10 MB) a store logs once per instance, and
 * the console's instance view shows the size.
 */

export const DEFAULT_HISTORY_WARNING_BYTES = 10_000_000;

/** Where a store says what it did on its own. */
export interface StoreLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export function historySizeWarning(instanceId: string, executionId: number, size: number, threshold: number): [string, Record<string, unknown>] {
  return [
    `History of instance "${instanceId}" (execution ${executionId}) has reached ${formatSize(size)}, past the ${formatSize(threshold)} warning ` +
      'threshold: every replay loads all of it. Have long loops end their execution with ctx.continueAsNew(state), ' +
      'or raise the store option historyWarningBytes.',
    { instanceId, executionId, historyBytes: size, threshold },
  ];
}

export function formatSize(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : n >= 1000 ? `${(n / 1000).toFixed(1)} KB` : `${n} B`;
}
