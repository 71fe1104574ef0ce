/**
 * The timeline of one execution: every activity, timer, LLM call, wait and sub-orchestration
 * as a bar from its schedule event to its completion, retries as their own bars.
 */
import type { HistoryEvent } from '../runtime/history.js';
import { arrivalChannel, isSchedule, viewOf, type BarKind } from './schedule-views.js';

export interface TimelineBar {
  eventId: number;
  kind: BarKind;
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

export function buildTimeline(history: HistoryEvent[], nodeOf: (eventId: number) => string | undefined, nowMs: number, maxBars = 2000): Timeline {
  const done = new Map<number, HistoryEvent>();
  for (const e of history) if ('sourceEventId' in e && typeof e.sourceEventId === 'number') done.set(e.sourceEventId, e);
  const arrivals = new Map<string, HistoryEvent[]>();
  for (const e of history) {
    const ch = arrivalChannel(e);
    if (!ch) continue;
    const list = arrivals.get(ch);
    if (list) list.push(e);
    else arrivals.set(ch, [e]);
  }
  const dropped = new Map<number, HistoryEvent>();
  for (const e of history) if (e.kind === 'ScheduleCancelled') dropped.set(e.targetEventId, e);
  const waits = new Map<string, number>();
  const ended = history.find((e) => e.kind === 'OrchestrationCompleted' || e.kind === 'OrchestrationFailed' || e.kind === 'OrchestrationContinuedAsNew');
  const attempts = new Map<string, number>();
  const bars: TimelineBar[] = [];
  for (const s of history) {
    if (!isSchedule(s)) continue;
    const view = viewOf(s);
    const label = view.label(s);
    let end: HistoryEvent | undefined = view.settles === 'at-once' ? s : done.get(s.eventId);
    if (view.settles === 'arrival' && view.channel) {
      const ch = view.channel(s);
      const k = waits.get(ch) ?? 0;
      waits.set(ch, k + 1);
      end = arrivals.get(ch)?.[k];
    }
    const key = `${s.kind}:${label}`;
    const attempt = s.site === undefined && attempts.has(key) ? attempts.get(key)! + 1 : 1;
    attempts.set(key, attempt);
    const nodeId = nodeOf(s.eventId);
    bars.push({
      eventId: s.eventId,
      kind: view.bar,
      label,
      startMs: s.timestampMs,
      endMs: end ? Math.max(end.timestampMs, s.timestampMs) : (dropped.get(s.eventId) ?? ended)?.timestampMs ?? null,
      status: end ? (end.kind.endsWith('Failed') ? 'failed' : 'ok') : ended || dropped.has(s.eventId) ? 'abandoned' : 'running',
      attempt,
      ...(nodeId ? { nodeId } : {}),
    });
  }
  const startMs = history[0]?.timestampMs ?? nowMs;
  const endMs = ended?.timestampMs ?? Math.max(nowMs, history[history.length - 1]?.timestampMs ?? nowMs);
  const omitted = Math.max(0, bars.length - maxBars);
  return { startMs, endMs, bars: omitted ? bars.slice(omitted) : bars, omitted };
}
