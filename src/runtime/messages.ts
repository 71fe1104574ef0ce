/**
 * Messages that travel through the store's two queues.
 *
 * The orchestrator queue holds messages for an instance (start, completions, events, cancel);
 * a turn takes every visible message of one instance at once. The work queue holds activity
 * and LLM executions for workers. Stores treat both as opaque JSON except for the fields
 * their indexes need (`instanceId`, `kind`, `queue`).
 */
import type { ErrorDetails, Json, LlmUsage } from './history.js';

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
  parentInstanceId?: string;
  parentExecutionId?: number;
  parentEventId?: number;
}
interface CompletionBase {
  instanceId: string;
  executionId: number;
  sourceEventId: number;
}
export interface ActivityCompletedMessage extends CompletionBase {
  kind: 'ActivityCompleted';
  result: Json;
}
export interface ActivityFailedMessage extends CompletionBase {
  kind: 'ActivityFailed';
  error: ErrorDetails;
}
export interface TimerFiredMessage extends CompletionBase {
  kind: 'TimerFired';
  fireAtMs: number;
}
export interface SubOrchestrationCompletedMessage extends CompletionBase {
  kind: 'SubOrchestrationCompleted';
  result: Json;
}
export interface SubOrchestrationFailedMessage extends CompletionBase {
  kind: 'SubOrchestrationFailed';
  error: ErrorDetails;
}
export interface LlmCompletedMessage extends CompletionBase {
  kind: 'LlmCompleted';
  result: Json;
  tokensUsed: LlmUsage;
  model: string;
  raw?: Json;
}
export interface LlmFailedMessage extends CompletionBase {
  kind: 'LlmFailed';
  error: ErrorDetails;
  tokensUsed?: LlmUsage;
}
export interface ExternalEventMessage {
  kind: 'ExternalEvent';
  instanceId: string;
  name: string;
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
  | ActivityCompletedMessage
  | ActivityFailedMessage
  | TimerFiredMessage
  | SubOrchestrationCompletedMessage
  | SubOrchestrationFailedMessage
  | LlmCompletedMessage
  | LlmFailedMessage
  | ExternalEventMessage
  | CancelInstanceMessage;

export type CompletionMessage = Extract<OrchestratorMessage, { sourceEventId: number }>;

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
