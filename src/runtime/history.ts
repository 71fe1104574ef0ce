/**
 * History events: the append-only record of one orchestration execution.
 *
 * Every event has an `eventId` (1-based, dense within an execution) and a `timestampMs`.
 * Completions point at their schedule event through `sourceEventId`.
 */

import { EVENT_KINDS, type ScheduleKind } from './event-kinds.js';

/** A JSON value: what inputs, outputs and event payloads may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Error details as they are stored in history (never an Error object). */
export interface ErrorDetails {
  name: string;
  message: string;
  /** Set when the error came from code that can be retried (activity, LLM provider). */
  retryable?: boolean;
  stack?: string;
}

interface EventBase {
  eventId: number;
  timestampMs: number;
  /**
   * Schedule events only: where the orchestration code made the ctx call (`file:line:column`),
   * recorded when the event is new. The console maps events to diagram nodes by it.
   */
  site?: string;
}

export interface OrchestrationStarted extends EventBase {
  kind: 'OrchestrationStarted';
  name: string;
  version: string;
  input: Json;
  executionId: number;
  parentInstanceId?: string;
  parentExecutionId?: number;
  parentEventId?: number;
}
export interface OrchestrationCompleted extends EventBase {
  kind: 'OrchestrationCompleted';
  output: Json;
}
export interface OrchestrationFailed extends EventBase {
  kind: 'OrchestrationFailed';
  error: ErrorDetails;
}
export interface OrchestrationContinuedAsNew extends EventBase {
  kind: 'OrchestrationContinuedAsNew';
  input: Json;
  version?: string;
}
export interface OrchestrationCancelRequested extends EventBase {
  kind: 'OrchestrationCancelRequested';
  reason: string;
}
export interface ActivityScheduled extends EventBase {
  kind: 'ActivityScheduled';
  name: string;
  input: Json;
  inputHash: string;
}
export interface ActivityCompleted extends EventBase {
  kind: 'ActivityCompleted';
  sourceEventId: number;
  result: Json;
}
export interface ActivityFailed extends EventBase {
  kind: 'ActivityFailed';
  sourceEventId: number;
  error: ErrorDetails;
}
export interface TimerCreated extends EventBase {
  kind: 'TimerCreated';
  fireAtMs: number;
}
export interface TimerFired extends EventBase {
  kind: 'TimerFired';
  sourceEventId: number;
  fireAtMs: number;
}
export interface ExternalSubscribed extends EventBase {
  kind: 'ExternalSubscribed';
  name: string;
}
export interface ExternalEvent extends EventBase {
  kind: 'ExternalEvent';
  name: string;
  data: Json;
}
export interface SubOrchestrationScheduled extends EventBase {
  kind: 'SubOrchestrationScheduled';
  name: string;
  version?: string;
  instanceId: string;
  input: Json;
  inputHash: string;
}
export interface SubOrchestrationCompleted extends EventBase {
  kind: 'SubOrchestrationCompleted';
  sourceEventId: number;
  result: Json;
}
export interface SubOrchestrationFailed extends EventBase {
  kind: 'SubOrchestrationFailed';
  sourceEventId: number;
  error: ErrorDetails;
}
/**
 * A schedule the code gave up on: the losing branch of a `ctx.race` (a wait, timer, activity,
 * LLM call or sub-orchestration that no longer matters). Its late completion is dropped, its
 * queued work and timer are removed, a losing sub-orchestration is cancelled.
 */
export interface ScheduleCancelled extends EventBase {
  kind: 'ScheduleCancelled';
  targetEventId: number;
  reason: string;
}
/** Fire-and-forget start of another instance (`ctx.scheduleOrchestration`): no parent link. */
export interface OrchestrationChained extends EventBase {
  kind: 'OrchestrationChained';
  name: string;
  version?: string;
  instanceId: string;
  input: Json;
  inputHash: string;
}
/** A wait on a persistent event queue (`ctx.dequeueEvent(queue)`). */
export interface QueueSubscribed extends EventBase {
  kind: 'QueueSubscribed';
  queue: string;
}
/** A message that arrived on a persistent event queue (`client.enqueueEvent`). */
export interface QueueEventDelivered extends EventBase {
  kind: 'QueueEventDelivered';
  queue: string;
  data: Json;
}
/** `ctx.setLlmBudget(budget)`: recorded so tools and the console can show use against it. */
export interface LlmBudgetSet extends EventBase {
  kind: 'LlmBudgetSet';
  /** The LlmBudget, or null when the code removed it. */
  budget: Json;
}
export interface CustomStatusUpdated extends EventBase {
  kind: 'CustomStatusUpdated';
  status: Json;
}
export interface LlmRequested extends EventBase {
  kind: 'LlmRequested';
  operation: string;
  /** Hash of what the caller passed (prompt, schema, options), never of library templates. */
  promptHash: string;
  provider: string;
  model?: string;
  options: Json;
  /** Present only when the runtime runs with `recordPrompts: true`. */
  prompt?: Json;
  /** Set when this request reuses an identical earlier request in the same execution. */
  dedupeOf?: number;
}
export interface LlmUsage {
  input: number;
  output: number;
}
export interface LlmCompleted extends EventBase {
  kind: 'LlmCompleted';
  sourceEventId: number;
  result: Json;
  tokensUsed: LlmUsage;
  model: string;
  /** Present only when the runtime runs with `recordPrompts: true`. */
  raw?: Json;
}
export interface LlmFailed extends EventBase {
  kind: 'LlmFailed';
  sourceEventId: number;
  error: ErrorDetails;
  tokensUsed?: LlmUsage;
}

export type HistoryEvent =
  | OrchestrationStarted
  | OrchestrationCompleted
  | OrchestrationFailed
  | OrchestrationContinuedAsNew
  | OrchestrationCancelRequested
  | ActivityScheduled
  | ActivityCompleted
  | ActivityFailed
  | TimerCreated
  | TimerFired
  | ExternalSubscribed
  | ExternalEvent
  | SubOrchestrationScheduled
  | SubOrchestrationCompleted
  | SubOrchestrationFailed
  | CustomStatusUpdated
  | LlmBudgetSet
  | ScheduleCancelled
  | OrchestrationChained
  | QueueSubscribed
  | QueueEventDelivered
  | LlmRequested
  | LlmCompleted
  | LlmFailed;

export type HistoryEventKind = HistoryEvent['kind'];

/** Distributes Omit over the union so each event kind keeps its own fields. */
export type NewHistoryEvent = HistoryEvent extends infer E
  ? E extends HistoryEvent
    ? Omit<E, 'eventId' | 'timestampMs'>
    : never
  : never;

/** Events that the code creates by calling a ctx method; each takes one sequence slot. */
export type ScheduleEvent = Extract<HistoryEvent, { kind: ScheduleKind }>;

/** Events that complete a schedule event (they carry `sourceEventId`). */
export type CompletionEvent = Extract<HistoryEvent, { sourceEventId: number }>;

export type { ScheduleKind };

export function isScheduleEvent(e: HistoryEvent): e is ScheduleEvent {
  return EVENT_KINDS[e.kind].role === 'schedule';
}

export function isCompletionEvent(e: HistoryEvent): e is CompletionEvent {
  return EVENT_KINDS[e.kind].role === 'completion';
}

export function isTerminalEvent(
  e: HistoryEvent,
): e is OrchestrationCompleted | OrchestrationFailed | OrchestrationContinuedAsNew {
  return EVENT_KINDS[e.kind].role === 'terminal';
}
