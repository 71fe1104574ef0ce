/**
 * Messages that travel through the store's two queues.
 *
 * The orchestrator queue holds messages for an instance (start, completions, events, cancel);
 * a turn takes every visible message of one instance at once. The work queue holds activity
 * and LLM executions for workers. Stores treat both as opaque JSON except for the fields
 * their indexes need (`instanceId`, `kind`, `queue`).
 */
import type { CompletionEvent, Json } from './history.js';

export interface StartOrchestrationMessage {
  kind: 'StartOrchestration';
  instanceId: string;
  name: string;
  /** Absent: the latest registered version when the turn runs. */
  version?: string;
  input: Json;
  parentInstanceId?: string;
  parentExecutionId?: number;
  parentEventId?: number;
}
export interface ContinueAsNewMessage {
  kind: 'ContinueAsNew';
  instanceId: string;
  /** The execution this message starts. */
  executionId: number;
  name: string;
  version?: string;
  input: Json;
  /** External events received but not consumed by the previous execution. */
  carriedEvents: { name: string; data: Json }[];
  /** Event-queue messages not dequeued by the previous execution. */
  carriedQueueEvents?: { queue: string; data: Json }[];
  parentInstanceId?: string;
  parentExecutionId?: number;
  parentEventId?: number;
}
/**
 * A completion on its way to an instance: the completion event without the ids the turn
 * assigns, addressed to an instance and execution. Derived from the events, so a new
 * completion kind has its message at once.
 */
export type CompletionMessage = CompletionEvent extends infer E
  ? E extends CompletionEvent
    ? Omit<E, 'eventId' | 'timestampMs'> & { instanceId: string; executionId: number }
    : never
  : never;
type MessageOf<K extends CompletionMessage['kind']> = Extract<CompletionMessage, { kind: K }>;
export type ActivityCompletedMessage = MessageOf<'ActivityCompleted'>;
export type ActivityFailedMessage = MessageOf<'ActivityFailed'>;
export type TimerFiredMessage = MessageOf<'TimerFired'>;
export type SubOrchestrationCompletedMessage = MessageOf<'SubOrchestrationCompleted'>;
export type SubOrchestrationFailedMessage = MessageOf<'SubOrchestrationFailed'>;
export type LlmCompletedMessage = MessageOf<'LlmCompleted'>;
export type LlmFailedMessage = MessageOf<'LlmFailed'>;
export interface ExternalEventMessage {
  kind: 'ExternalEvent';
  instanceId: string;
  name: string;
  data: Json;
}
/** A message for a persistent event queue of an instance (`client.enqueueEvent`). */
export interface QueueEventMessage {
  kind: 'QueueEvent';
  instanceId: string;
  queue: string;
  data: Json;
}
export interface CancelInstanceMessage {
  kind: 'CancelInstance';
  instanceId: string;
  reason: string;
}

export type OrchestratorMessage =
  | StartOrchestrationMessage
  | ContinueAsNewMessage
  | CompletionMessage
  | ExternalEventMessage
  | QueueEventMessage
  | CancelInstanceMessage;

export interface ActivityWorkItem {
  queue: 'activity';
  kind: 'ExecuteActivity';
  instanceId: string;
  executionId: number;
  eventId: number;
  name: string;
  input: Json;
  orchestrationName: string;
}

/** An LLM request as a worker executes it; the prompt lives here, not in history. */
export interface LlmWorkItem {
  queue: 'llm';
  kind: 'ExecuteLlm';
  instanceId: string;
  executionId: number;
  eventId: number;
  operation: string;
  provider: string;
  /** The provider request (see src/llm). Opaque to the runtime and the store. */
  request: Json;
  /** Token budget left for this instance when the request was made, if one is set. */
  budgetRemaining?: number;
}

export type WorkItem = ActivityWorkItem | LlmWorkItem;
export type WorkQueueName = WorkItem['queue'];
