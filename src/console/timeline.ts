/**
 * The timeline of one execution: every activity, timer, LLM call, wait and sub-orchestration
 * as a bar from its schedule event to its completion, retries as their own bars.
 */
import type { HistoryEvent, ScheduleEvent } from '../runtime/history.js';

export interface TimelineBar {
  eventId: number;
  kind: 'activity' | 'timer' | 'llm' | 'wait' | 'sub_orchestration';
  label: string;
  startMs: number;
  /** Null while it runs. */
  endMs: number | null;
  status: 'ok' | 'failed' | 'running' | 'abandoned';
  /** 1 for the first attempt of a call; retries and re-asks count up. */
  attempt: number;
  /** The diagram node, when the overlay mapped it. */
  nodeId?: string;
}

export interface Timeline {
  startMs: number;
  endMs: number;
  bars: TimelineBar[];
  /** Bars left out to keep the page light (the oldest). */
  omitted: number;
}

const KIND: Partial<Record<string, TimelineBar['kind']>> = {
  QueueSubscribed: 'wait',
  OrchestrationChained: 'sub_orchestration',
  ActivityScheduled: 'activity',
  TimerCreated: 'timer',
  LlmRequested: 'llm',
  ExternalSubscribed: 'wait',
  SubOrchestrationScheduled: 'sub_orchestration',
};

function label(e: ScheduleEvent): string {
  const any = e as { kind: string; name?: string; queue?: string };
  if (any.kind === 'QueueSubscribed') return `dequeue ${any.queue}`;
  if (any.kind === 'OrchestrationChained') return `start ${any.name}`;
  switch (e.kind) {
    case 'ActivityScheduled':
      return e.name;
    case 'TimerCreated':
      return `timer until ${new Date(e.fireAtMs).toISOString()}`;
    case 'LlmRequested':
      return `${e.operation}${e.model ? ` (${e.model})` : ''}`;
    case 'ExternalSubscribed':
      return `wait for ${e.name}`;
    case 'SubOrchestrationScheduled':
      return `${e.name} → ${e.instanceId}`;
    default:
      return any.kind;
  }
}

export function buildTimeline(history: HistoryEvent[], nodeOf: (eventId: number) => string | undefined, nowMs: number, maxBars = 2000): Timeline {
  const done = new Map<number, HistoryEvent>();
  for (const e of history) if ('sourceEventId' in e && typeof e.sourceEventId === 'number') done.set(e.sourceEventId, e);
  const arrivals = new Map<string, HistoryEvent[]>();
  for (const e of history) if (e.kind === 'ExternalEvent') arrivals.set(e.name, [...(arrivals.get(e.name) ?? []), e]);
  const waits = new Map<string, number>();
  const ended = history.find((e) => e.kind === 'OrchestrationCompleted' || e.kind === 'OrchestrationFailed' || e.kind === 'OrchestrationContinuedAsNew');
  const attempts = new Map<string, number>();
  const bars: TimelineBar[] = [];
  for (const e of history) {
    if (!(e.kind in KIND)) continue;
    const s = e as ScheduleEvent;
    let end: HistoryEvent | undefined = done.get(s.eventId);
    if (s.kind === 'ExternalSubscribed') {
      const k = waits.get(s.name) ?? 0;
      waits.set(s.name, k + 1);
      end = arrivals.get(s.name)?.[k];
    }
    const key = `${s.kind}:${label(s)}`;
    const attempt = s.site === undefined && attempts.has(key) ? attempts.get(key)! + 1 : 1;
    attempts.set(key, attempt);
    const nodeId = nodeOf(s.eventId);
    bars.push({
      eventId: s.eventId,
      kind: KIND[s.kind]!,
      label: label(s),
      startMs: s.timestampMs,
      endMs: end ? Math.max(end.timestampMs, s.timestampMs) : ended ? ended.timestampMs : null,
      status: end ? (end.kind.endsWith('Failed') ? 'failed' : 'ok') : ended ? 'abandoned' : 'running',
      attempt,
      ...(nodeId ? { nodeId } : {}),
    });
  }
  const startMs = history[0]?.timestampMs ?? nowMs;
  const endMs = ended?.timestampMs ?? Math.max(nowMs, history[history.length - 1]?.timestampMs ?? nowMs);
  const omitted = Math.max(0, bars.length - maxBars);
  return { startMs, endMs, bars: omitted ? bars.slice(omitted) : bars, omitted };
}
