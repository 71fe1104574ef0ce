/**
 * What a turn needs to know about the history so far to accept new messages: which events
 * are schedules (and of what kind), which are already completed, whether cancellation was
 * requested, and the next event id. A cached replayer keeps one up to date, so a cached turn
 * never rescans its history.
 */
import { roleOf } from './event-kinds.js';
import type { HistoryEvent, HistoryEventKind } from './history.js';

export class HistoryIndex {
  nextEventId = 1;
  cancelRequested = false;
  private readonly scheduled = new Map<number, HistoryEventKind>();
  private readonly completed = new Set<number>();
  private readonly cancelled = new Set<number>();

  static of(events: readonly HistoryEvent[]): HistoryIndex {
    const index = new HistoryIndex();
    for (const e of events) index.add(e);
    return index;
  }

  add(e: HistoryEvent): void {
    if (e.eventId >= this.nextEventId) this.nextEventId = e.eventId + 1;
    switch (roleOf(e)) {
      case 'completion':
        this.completed.add((e as { sourceEventId: number }).sourceEventId);
        break;
      case 'cancel':
        this.cancelRequested = true;
        break;
      case 'dropped':
        this.cancelled.add((e as { targetEventId: number }).targetEventId);
        break;
      case 'schedule':
        this.scheduled.set(e.eventId, e.kind);
        break;
      default:
        break;
    }
  }

  scheduleKind(eventId: number): HistoryEventKind | undefined {
    return this.scheduled.get(eventId);
  }

  /** The code cancelled this schedule (a race loser): its completion no longer matters. */
  isCancelled(eventId: number): boolean {
    return this.cancelled.has(eventId);
  }

  isCompleted(eventId: number): boolean {
    return this.completed.has(eventId);
  }
}

