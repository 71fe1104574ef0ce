/**
 * The instance view's history size: the JSON characters of the current execution's events,
 * the measure the SQL stores count for their warning log, taken here from the history the
 * instance view reads anyway (so it works on every store, MemoryStore included).
 */
import type { HistoryEvent } from '../runtime/history.js';
import { formatSize } from '../store/history-size.js';

export interface HistorySize {
  /** The execution replay loads: the instance's current one. */
  executionId: number;
  /** JSON characters of its events, as plain values (what replay loads, not what is stored). */
  bytes: number;
  thresholdBytes: number;
  /** Set when `bytes` reached the threshold. */
  warning: { message: string; hint: string } | null;
}

export function historySize(executionId: number, history: readonly HistoryEvent[], thresholdBytes: number): HistorySize {
  let bytes = 0;
  for (const e of history) bytes += JSON.stringify(e).length;
  const over = bytes >= thresholdBytes;
  return {
    executionId,
    bytes,
    thresholdBytes,
    warning: over
      ? {
          message: `History ${formatSize(bytes)} (execution ${executionId}), over the ${formatSize(thresholdBytes)} warning threshold: every replay loads all of it.`,
          hint: 'End long loops with ctx.continueAsNew(state), and keep large data (documents, files, long transcripts) outside the history: store it elsewhere and pass a reference.',
        }
      : null,
  };
}
