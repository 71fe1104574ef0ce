/**
 * The one table of history event kinds: for each kind, its role in replay, what it completes,
 * and how it is summarised. The replay engine, the history index, the turn processor, messages
 * and error texts read it, so a kind added to `HistoryEvent` without an entry here does not
 * compile, and a completion kind must name the schedule it answers.
 */
import type { HistoryEvent, HistoryEventKind } from './history.js';

/**
 * - `start` / `terminal`: the execution's first and last event.
 * - `schedule`: the code made a ctx call; it takes a sequence slot and must match on replay.
 * - `completion`: settles a schedule (carries `sourceEventId`).
 * - `external`: an event raised by a client, delivered to `waitForEvent`.
 * - `queued`: a message on a persistent event queue, delivered to `dequeueEvent`.
 * - `cancel`: cancellation of the instance was requested.
 * - `dropped`: the code gave up on one of its schedules (a race loser).
 * - `status`: a record that changes no task (custom status).
 */
export type EventRole = 'start' | 'terminal' | 'schedule' | 'completion' | 'external' | 'queued' | 'cancel' | 'dropped' | 'status';

type EventOf<K extends HistoryEventKind> = Extract<HistoryEvent, { kind: K }>;

/** Schedule kinds: what the code's ctx calls record. */
export type ScheduleKind =
  | 'ActivityScheduled'
  | 'TimerCreated'
  | 'ExternalSubscribed'
  | 'SubOrchestrationScheduled'
  | 'LlmRequested'
  | 'OrchestrationChained'
  | 'QueueSubscribed';

type Descriptor<K extends HistoryEventKind> = {
  /** One line for messages, logs and timelines. */
  summary(e: EventOf<K>): string;
} & (EventOf<K> extends { sourceEventId: number }
  ? { role: 'completion'; completes: ScheduleKind }
  : K extends ScheduleKind
    ? { role: 'schedule' }
    : { role: Exclude<EventRole, 'completion' | 'schedule'> });

export const EVENT_KINDS: { readonly [K in HistoryEventKind]: Descriptor<K> } = {
  OrchestrationStarted: { role: 'start', summary: (e) => `OrchestrationStarted "${e.name}" v${e.version} (execution ${e.executionId})` },
  OrchestrationCompleted: { role: 'terminal', summary: () => 'OrchestrationCompleted' },
  OrchestrationFailed: { role: 'terminal', summary: (e) => `OrchestrationFailed (${e.error.name}: ${e.error.message})` },
  OrchestrationContinuedAsNew: { role: 'terminal', summary: (e) => `OrchestrationContinuedAsNew${e.version ? ` (version ${e.version})` : ''}` },
  OrchestrationCancelRequested: { role: 'cancel', summary: (e) => `OrchestrationCancelRequested (${e.reason})` },
  ActivityScheduled: { role: 'schedule', summary: (e) => `ActivityScheduled "${e.name}" (input hash ${e.inputHash})` },
  ActivityCompleted: { role: 'completion', completes: 'ActivityScheduled', summary: (e) => `ActivityCompleted (of #${e.sourceEventId})` },
  ActivityFailed: { role: 'completion', completes: 'ActivityScheduled', summary: (e) => `ActivityFailed (of #${e.sourceEventId}: ${e.error.name})` },
  TimerCreated: { role: 'schedule', summary: (e) => `TimerCreated (fires at ${new Date(e.fireAtMs).toISOString()})` },
  TimerFired: { role: 'completion', completes: 'TimerCreated', summary: (e) => `TimerFired (of #${e.sourceEventId})` },
  ExternalSubscribed: { role: 'schedule', summary: (e) => `ExternalSubscribed "${e.name}"` },
  ExternalEvent: { role: 'external', summary: (e) => `ExternalEvent "${e.name}"` },
  SubOrchestrationScheduled: { role: 'schedule', summary: (e) => `SubOrchestrationScheduled "${e.name}" (instance ${e.instanceId})` },
  SubOrchestrationCompleted: { role: 'completion', completes: 'SubOrchestrationScheduled', summary: (e) => `SubOrchestrationCompleted (of #${e.sourceEventId})` },
  SubOrchestrationFailed: {
    role: 'completion',
    completes: 'SubOrchestrationScheduled',
    summary: (e) => `SubOrchestrationFailed (of #${e.sourceEventId}: ${e.error.name})`,
  },
  CustomStatusUpdated: { role: 'status', summary: () => 'CustomStatusUpdated' },
  LlmBudgetSet: { role: 'status', summary: () => 'LlmBudgetSet' },
  ScheduleCancelled: { role: 'dropped', summary: (e) => `ScheduleCancelled #${e.targetEventId} (${e.reason})` },
  OrchestrationChained: { role: 'schedule', summary: (e) => `OrchestrationChained "${e.name}" (instance ${e.instanceId})` },
  QueueSubscribed: { role: 'schedule', summary: (e) => `QueueSubscribed "${e.queue}"` },
  QueueEventDelivered: { role: 'queued', summary: (e) => `QueueEventDelivered "${e.queue}"` },
  LlmRequested: { role: 'schedule', summary: (e) => `LlmRequested ${e.operation} (prompt hash ${e.promptHash})` },
  LlmCompleted: { role: 'completion', completes: 'LlmRequested', summary: (e) => `LlmCompleted (of #${e.sourceEventId}, ${e.model})` },
  LlmFailed: { role: 'completion', completes: 'LlmRequested', summary: (e) => `LlmFailed (of #${e.sourceEventId}: ${e.error.name})` },
};

export function roleOf(e: HistoryEvent): EventRole {
  return EVENT_KINDS[e.kind].role;
}

/** The schedule kind a completion kind answers (undefined for other kinds). */
export function scheduleKindCompletedBy(kind: HistoryEventKind): ScheduleKind | undefined {
  const d = EVENT_KINDS[kind] as { completes?: ScheduleKind };
  return d.completes;
}

export function describeEvent(e: HistoryEvent): string {
  return (EVENT_KINDS[e.kind].summary as (e: HistoryEvent) => string)(e);
}
