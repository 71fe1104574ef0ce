/** How every store assembles the orchestration item it hands a fetcher, and when it may skip the history. */
import type { HistoryEvent } from '../runtime/history.js';
import type { InstanceInfo, KnownHistory, OrchestrationItem, QueuedMessage } from './store.js';

/**
 * Whether the caller's execution cache already holds the stored current execution (same
 * execution, same last event id), so the store may return the item without its history.
 * `lastEventId` is asked only when the execution matches (it may cost a query).
 */
export function callerHoldsHistory(
  knownHistory: KnownHistory | undefined,
  instanceId: string,
  executionId: number,
  lastEventId: () => number | null | undefined,
): boolean {
  const known = knownHistory?.(instanceId);
  return known !== undefined && known.executionId === executionId && lastEventId() === known.lastEventId;
}

/** The item of a freshly locked instance; `history: 'omitted'` when the caller holds it already. */
export function orchestrationItem(
  instanceId: string,
  lockToken: string,
  messages: QueuedMessage[],
  instance: InstanceInfo | null,
  history: HistoryEvent[] | 'omitted',
): OrchestrationItem {
  return {
    instanceId,
    lockToken,
    messages,
    instance,
    history: history === 'omitted' ? [] : history,
    attempt: Math.max(...messages.map((m) => m.attempt)),
    ...(history === 'omitted' ? { historyOmitted: true } : {}),
  };
}
