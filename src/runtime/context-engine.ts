/**
 * What the orchestration context may ask of the replay engine: the narrow face of `Replayer`
 * that ctx methods use. The turn driver (TurnProcessor, ExecutionCache) uses the other face,
 * `Replayer`'s start/advance/takeTurnOutput, and never these.
 */
import type { Task } from './durable-task.js';
import type { ErrorDetails, Json, NewHistoryEvent, OrchestrationStarted, ScheduleEvent } from './history.js';
import type { LlmBudget, LlmLedger } from './llm-ledger.js';
import type { OrchestratorMessage, WorkItem } from './messages.js';
import type { OrchestrationSnapshot } from '../llm/operations/generate-with-context.js';
import type { ToolDefinition } from '../tools/registry.js';

/** A claimed schedule slot and the task its completion settles. */
export interface ClaimedSlot {
  event: ScheduleEvent;
  task: Task<unknown>;
}

export interface ContextEngine {
  readonly instanceId: string;
  readonly started: OrchestrationStarted;
  /** True while the code re-runs events already in history. */
  readonly replaying: boolean;
  /** The time of the history event being processed (ctx.utcNow()). */
  readonly currentTimeMs: number;
  /** The timestamp new events of this turn get. */
  readonly newEventTimeMs: number;
  readonly maxPayloadBytes: number;
  readonly recordPrompts: boolean;
  readonly ledger: LlmLedger;
  /** Why an LLM call to `provider` cannot be made by any worker, or null when it can. */
  llmUnavailable(provider: string): ErrorDetails | null;

  /** Throws StaleContextError once the turn has ended (or the recorded fatal error). */
  assertOpen(method: string): void;
  /**
   * Takes the next schedule slot: the recorded event and its task, or a new event when history
   * has no more schedules. A mismatch (`mismatch` returns a reason) is a NondeterminismError.
   */
  claim<K extends ScheduleEvent['kind'], E extends ScheduleEvent = Extract<ScheduleEvent, { kind: K }>>(
    expected: NewHistoryEvent & { kind: K },
    codeCall: string,
    mismatch: (recorded: E) => string | null,
  ): { event: E; task: Task<any>; isNew: boolean };
  /** Registers a wait for the next occurrence of external event `name`. */
  subscribe(name: string, task: Task<Json>): void;
  /** Registers a wait for the next message of event queue `queue`. */
  subscribeQueue(queue: string, task: Task<Json>): void;
  /** Marks a claimed slot as settled by the engine itself (a deduplicated LLM call). */
  settleClaimed(eventId: number): void;
  findClaimed(predicate: (e: ScheduleEvent) => boolean): ClaimedSlot | undefined;
  addWorkItem(item: WorkItem): void;
  addMessage(message: OrchestratorMessage, visibleAtMs?: number): void;
  requestContinueAsNew(input: Json, version?: string): void;
  setCustomStatus(status: Json): void;
  setLlmBudget(budget: LlmBudget | null): void;
  trace(level: string, message: string, fields?: Record<string, unknown>): void;
  /** The runtime's tools, for ctx.describeTools(). */
  tools(): ToolDefinition[];
  /** What the orchestration has seen so far, for generateWithContext. */
  snapshot(): OrchestrationSnapshot;
}
