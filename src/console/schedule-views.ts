/**
 * How each schedule kind appears in the console: the diagram node kind it maps to, its bar on
 * the timeline, the name the overlay matches it by, and how it settles. One entry per kind of
 * the runtime's table (`ScheduleKind` in src/runtime/event-kinds.ts): a new schedule kind
 * without an entry here does not compile.
 */
import type { FlowNodeKind } from '../diagram/flow-graph.js';
import type { ScheduleKind } from '../runtime/event-kinds.js';
import type { HistoryEvent } from '../runtime/history.js';

export type BarKind = 'activity' | 'timer' | 'llm' | 'wait' | 'sub_orchestration';

type EventOf<K extends ScheduleKind> = Extract<HistoryEvent, { kind: K }>;

interface ScheduleView<K extends ScheduleKind> {
  node: FlowNodeKind;
  bar: BarKind;
  /** What the IR node's `name` holds for this call (undefined: match by kind alone). */
  name(e: EventOf<K>): string | undefined;
  label(e: EventOf<K>): string;
  /**
   * `completion`: a completion event names it (sourceEventId); `arrival`: the n-th wait on a
   * name takes the n-th arrival of it; `at-once`: done when recorded (fire and forget).
   */
  settles: 'completion' | 'arrival' | 'at-once';
  /** For `arrival`: the key of the wait, and of each arriving event. */
  channel?(e: EventOf<K>): string;
}

export const SCHEDULE_VIEWS: { readonly [K in ScheduleKind]: ScheduleView<K> } = {
  ActivityScheduled: { node: 'activity', bar: 'activity', name: (e) => e.name, label: (e) => e.name, settles: 'completion' },
  TimerCreated: { node: 'timer', bar: 'timer', name: () => undefined, label: (e) => `timer until ${new Date(e.fireAtMs).toISOString()}`, settles: 'completion' },
  ExternalSubscribed: { node: 'event', bar: 'wait', name: (e) => e.name, label: (e) => `wait for ${e.name}`, settles: 'arrival', channel: (e) => `event:${e.name}` },
  SubOrchestrationScheduled: { node: 'sub_orchestration', bar: 'sub_orchestration', name: (e) => e.name, label: (e) => `${e.name} → ${e.instanceId}`, settles: 'completion' },
  LlmRequested: { node: 'llm', bar: 'llm', name: (e) => e.operation, label: (e) => `${e.operation}${e.model ? ` (${e.model})` : ''}`, settles: 'completion' },
  OrchestrationChained: { node: 'sub_orchestration', bar: 'sub_orchestration', name: (e) => e.name, label: (e) => `start ${e.name} → ${e.instanceId}`, settles: 'at-once' },
  QueueSubscribed: { node: 'event', bar: 'wait', name: (e) => e.queue, label: (e) => `dequeue ${e.queue}`, settles: 'arrival', channel: (e) => `queue:${e.queue}` },
};

export type ScheduleLike = Extract<HistoryEvent, { kind: ScheduleKind }>;

export function isSchedule(e: HistoryEvent): e is ScheduleLike {
  return e.kind in SCHEDULE_VIEWS;
}

/** The view of one schedule event, its functions taking that event. */
export interface AnyScheduleView {
  node: FlowNodeKind;
  bar: BarKind;
  name(e: ScheduleLike): string | undefined;
  label(e: ScheduleLike): string;
  settles: 'completion' | 'arrival' | 'at-once';
  channel?(e: ScheduleLike): string;
}

export function viewOf(e: ScheduleLike): AnyScheduleView {
  return SCHEDULE_VIEWS[e.kind] as unknown as AnyScheduleView;
}

/** The channel an arriving event fills (ExternalEvent, QueueEventDelivered), if any. */
export function arrivalChannel(e: HistoryEvent): string | undefined {
  if (e.kind === 'ExternalEvent') return `event:${e.name}`;
  if (e.kind === 'QueueEventDelivered') return `queue:${e.queue}`;
  return undefined;
}

/**
 * Schedule event ids that have settled: by a completion, by the n-th arrival on their channel,
 * or at once. Race losers the runtime dropped (ScheduleCancelled) are returned apart.
 */
export function settlement(history: HistoryEvent[]): { settled: Set<number>; completions: Map<number, HistoryEvent>; dropped: Set<number> } {
  const completions = new Map<number, HistoryEvent>();
  const dropped = new Set<number>();
  const arrivals = new Map<string, number>();
  for (const e of history) {
    if ('sourceEventId' in e && typeof e.sourceEventId === 'number') completions.set(e.sourceEventId, e);
    if (e.kind === 'ScheduleCancelled') dropped.add(e.targetEventId);
    const ch = arrivalChannel(e);
    if (ch) arrivals.set(ch, (arrivals.get(ch) ?? 0) + 1);
  }
  const settled = new Set<number>(completions.keys());
  const waits = new Map<string, number>();
  for (const e of history) {
    if (!isSchedule(e)) continue;
    const view = viewOf(e);
    if (view.settles === 'at-once') settled.add(e.eventId);
    if (view.settles === 'arrival' && view.channel) {
      const ch = view.channel(e);
      const k = waits.get(ch) ?? 0;
      waits.set(ch, k + 1);
      if (k < (arrivals.get(ch) ?? 0)) settled.add(e.eventId);
    }
  }
  return { settled, completions, dropped };
}
