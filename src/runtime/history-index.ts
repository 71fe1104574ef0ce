/**
 * What a turn needs to know about the history so far to accept new messages: which events
 * are schedules (and of what kind), which are already completed, whether cancellation was
 * requested, and the next event id. A cached replayer keeps one up to date, so a cached turn
 * never rescans its history.
 */
import type { HistoryEvent, HistoryEventKind } from './history.js';

export class HistoryIndex {
  nextEventId = 1;
  cancelRequested = false;
  private readonly scheduled = new Map<number, HistoryEventKind>();
  private readonly completed = new Set<number>();

  static of(events: readonly HistoryEvent[]): HistoryIndex {
    const index = new HistoryIndex();
    for (const e of events) index.add(e);
    return index;
  }

  add(e: HistoryEvent): void {
    if (e.eventId >= this.nextEventId) this.nextEventId = e.eventId + 1;
    if ('sourceEventId' in e) this.completed.add(e.sourceEventId);
    else if (e.kind === 'OrchestrationCancelRequested') this.cancelRequested = true;
    else if (SCHEDULE_KINDS.has(e.kind)) this.scheduled.set(e.eventId, e.kind);
  }

  scheduleKind(eventId: number): HistoryEventKind | undefined {
    return this.scheduled.get(eventId);
  }

  isCompleted(eventId: number): boolean {
    return this.completed.has(eventId);
  }
}

/** The schedule event kind each completion must answer. */
export const SCHEDULE_OF: Record<string, HistoryEventKind> = {
  ActivityCompleted: 'ActivityScheduled',
  ActivityFailed: 'ActivityScheduled',
  TimerFired: 'TimerCreated',
  SubOrchestrationCompleted: 'SubOrchestrationScheduled',
  SubOrchestrationFailed: 'SubOrchestrationScheduled',
  LlmCompleted: 'LlmRequested',
  LlmFailed: 'LlmRequested',
};
const SCHEDULE_KINDS = new Set<HistoryEventKind>(Object.values(SCHEDULE_OF));
