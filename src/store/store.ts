/**
 * The storage contract every store implements (duroxide calls this a Provider; here
 * "provider" means an LLM provider).
 *
 * Two peek-lock queues: the orchestrator queue (messages per instance, taken a whole
 * instance at a time under an instance lock) and the work queue (activity and LLM
 * executions, taken one item at a time). A turn's outcome is committed atomically by
 * `ackOrchestrationItem`; a work item's completion by `ackWorkItem`.
 *
 * Locks are leases: a lock token is valid until its expiry. Acking or renewing with an
 * expired or stolen token throws `LockLostError` and changes nothing.
 * Delivery attempts are counted when a lock is taken, so a process killed mid-turn still
 * moves its messages toward poison.
 */
import type { ErrorDetails, HistoryEvent, Json } from '../runtime/history.js';
import type {
  OrchestratorMessage,
  StartOrchestrationMessage,
  WorkItem,
  WorkQueueName,
} from '../runtime/messages.js';

export type InstanceStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Cancelled';

export const TERMINAL_STATUSES: ReadonlySet<InstanceStatus> = new Set([
  'Completed',
  'Failed',
  'Cancelled',
]);

export interface InstanceInfo {
  instanceId: string;
  name: string;
  /** Null until the first turn picked a version. */
  version: string | null;
  status: InstanceStatus;
  /** The current execution; 0 before the first turn. */
  executionId: number;
  output?: Json;
  error?: ErrorDetails;
  customStatus?: Json;
  parentInstanceId?: string;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface QueuedMessage {
  /** Store-assigned id, unique within the store. */
  id: string;
  message: OrchestratorMessage;
  /** How many times this message has been locked, this time included. */
  attempt: number;
}

export interface OrchestrationItem {
  instanceId: string;
  lockToken: string;
  /** Every visible message of the instance, in enqueue order. */
  messages: QueuedMessage[];
  instance: InstanceInfo | null;
  /** History of the instance's current execution (empty before the first turn). */
  history: HistoryEvent[];
  /** The highest attempt among `messages`. */
  attempt: number;
  /**
   * True when the caller's `knownHistory` hint matched the stored current execution and the
   * store therefore returned `history: []`. Stores that ignore the hint never set it.
   */
  historyOmitted?: boolean;
}

/**
 * What the caller already holds of an instance's history (its execution cache). When the
 * stored current execution is `executionId` and its last event id is `lastEventId`, the store
 * may skip reading the history and set `historyOmitted`.
 */
export type KnownHistory = (instanceId: string) => { executionId: number; lastEventId: number } | undefined;

/** The new state of the instance row written by a turn. */
export interface InstanceUpdate {
  name: string;
  version: string;
  status: InstanceStatus;
  output?: Json;
  error?: ErrorDetails;
  customStatus?: Json;
  parentInstanceId?: string;
}

export interface AbandonOptions {
  /** Visible again after this long (default 0). */
  delayMs?: number;
  /** False: take this delivery back out of the attempt count (default true). */
  countAttempt?: boolean;
}

export interface TurnCommit {
  /**
   * The execution `historyDelta` belongs to. Greater than the instance's current execution
   * when this turn starts a new one (continue-as-new); the instance row then points at it.
   */
  executionId: number;
  historyDelta: HistoryEvent[];
  instance: InstanceUpdate;
  workItems: WorkItem[];
  orchestratorMessages: { message: OrchestratorMessage; visibleAtMs?: number }[];
  /**
   * Event ids (of `executionId`) of activity and LLM schedules the code cancelled (race
   * losers): delete their work items, queued or locked, so they do not start, and a worker
   * running one loses its lease and sees its signal fire.
   */
  cancelledWork?: number[];
  /** Event ids (of `executionId`) of timers the code cancelled: delete their TimerFired messages. */
  cancelledTimers?: number[];
}

export interface LockedWorkItem {
  id: string;
  lockToken: string;
  item: WorkItem;
  /** How many times this item has been locked, this time included. */
  attempt: number;
}

export interface ListInstancesOptions {
  status?: InstanceStatus;
  name?: string;
  limit?: number;
  offset?: number;
}

export type QueueName = 'orchestrator' | WorkQueueName;

/** A management read of instance rows (the console, the `instances` CLI): newest first. */
export interface InstanceQuery {
  status?: InstanceStatus;
  name?: string;
  /** Instances whose id contains this text (case-sensitive). */
  idContains?: string;
  /** Created at or after (ms since epoch). */
  createdFromMs?: number;
  /** Created before (ms since epoch). */
  createdToMs?: number;
  /** Updated strictly after (ms since epoch): what changed since a previous read. */
  updatedAfterMs?: number;
  /** `created` (default) or `updated`, newest first either way. */
  orderBy?: 'created' | 'updated';
  limit?: number;
  offset?: number;
}

export interface InstancePage {
  instances: InstanceInfo[];
  /** Rows matching the filters, ignoring limit and offset. */
  total: number;
}

/** LLM tokens an instance used, over all its executions (LlmCompleted and LlmFailed events). */
export interface LlmUsageSummary {
  input: number;
  output: number;
  /** LLM calls recorded (completed or failed). */
  calls: number;
  /** Tokens by model (`*` for failed calls, which name none). */
  byModel: Record<string, { input: number; output: number }>;
}

/** The flow graph (IR) and rendered diagram of one orchestration version, as the build step drew it. */
export interface DiagramRecord {
  name: string;
  version: string;
  /** FlowGraph IR (`src/diagram/flow-graph.ts`) as JSON. */
  graph: Json;
  /** Rendered diagram text (mermaid flowchart), when the build step gave one. */
  diagram?: string;
  /** Source file the IR was extracted from, relative to the project root. */
  file?: string;
  recordedAtMs: number;
}

/** A sliding-window limit shared by every runtime that uses the same store. */
export interface RateLimitRequest {
  key: string;
  /** Units available per window (requests or tokens). */
  limit: number;
  windowMs: number;
  /** Units this call takes. */
  cost: number;
}

export interface Store {
  /** Creates tables / migrates. Idempotent. Called by the runtime and client before use. */
  init(): Promise<void>;
  close(): Promise<void>;

  // --- client side ---
  /**
   * Creates the instance row (status Pending) and enqueues its start message in one
   * transaction. Throws `InstanceAlreadyExistsError` when the id is taken.
   */
  createInstance(start: StartOrchestrationMessage): Promise<void>;
  /** Enqueues a message for an instance (events, cancellation, tests). */
  enqueueOrchestratorMessage(message: OrchestratorMessage, opts?: { visibleAtMs?: number }): Promise<void>;
  /** Enqueues a work item directly (tests and tools; turns enqueue through ack). */
  enqueueWorkItem(item: WorkItem, opts?: { visibleAtMs?: number }): Promise<void>;

  // --- orchestrator queue ---
  /**
   * Locks one instance that has visible messages and no live lock, and returns all of its
   * visible messages with the current execution's history. Null when there is nothing to do.
   */
  fetchOrchestrationItem(lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null>;
  /**
   * Atomically: append the history delta, update the instance row, delete the item's
   * messages, enqueue the work items and orchestrator messages, release the instance lock.
   * Messages that arrived after the fetch stay queued.
   */
  ackOrchestrationItem(lockToken: string, commit: TurnCommit): Promise<void>;
  /**
   * Releases the lock; the messages become visible again after `delayMs`. With
   * `countAttempt: false` this delivery does not count toward poison (the runtime could not
   * run it at all, e.g. it lacks the orchestration version: another runtime may have it).
   */
  abandonOrchestrationItem(lockToken: string, opts?: AbandonOptions): Promise<void>;
  renewOrchestrationLock(lockToken: string, lockMs: number): Promise<void>;

  // --- work queue ---
  fetchWorkItem(queue: WorkQueueName, lockMs: number): Promise<LockedWorkItem | null>;
  /** Atomically deletes the work item and enqueues its completion (if any). */
  ackWorkItem(lockToken: string, completion: OrchestratorMessage | null): Promise<void>;
  abandonWorkItem(lockToken: string, opts?: AbandonOptions): Promise<void>;
  renewWorkItemLock(lockToken: string, lockMs: number): Promise<void>;

  // --- reads ---
  getInstance(instanceId: string): Promise<InstanceInfo | null>;
  listInstances(opts?: ListInstancesOptions): Promise<InstanceInfo[]>;
  /** Execution ids of an instance, ascending. Empty for an unknown instance. */
  listExecutions(instanceId: string): Promise<number[]>;
  /** History of one execution; the current one when `executionId` is absent. */
  readHistory(instanceId: string, executionId?: number): Promise<HistoryEvent[]>;

  // --- optional capabilities ---
  /**
   * Fetch-on-ack: commits a turn like `ackOrchestrationItem` and, in the same transaction,
   * locks up to `maxWorkItems` of the activity items it enqueued for the caller.
   */
  ackOrchestrationItemAndLockWork?(lockToken: string, commit: TurnCommit, lockMs: number, maxWorkItems: number): Promise<LockedWorkItem[]>;
  /**
   * Fetch-on-ack: acks a work item with its completion like `ackWorkItem` and, in the same
   * transaction, tries to lock the completion's instance. Returns its orchestration item when
   * it got the lock, null when another worker holds the instance.
   */
  ackWorkItemAndLockInstance?(
    lockToken: string,
    completion: OrchestratorMessage,
    lockMs: number,
    opts?: { knownHistory?: KnownHistory },
  ): Promise<OrchestrationItem | null>;
  /**
   * Subscribes to "new work may be visible" notices for a queue; returns an unsubscribe
   * function. Dispatchers poll anyway; this only cuts latency.
   */
  onWork?(listener: (queue: QueueName) => void): () => void;
  /**
   * Takes `cost` units from a shared sliding window. Returns 0 when taken, or the number of
   * milliseconds to wait before trying again. Stores shared by processes make it global.
   */
  takeRateLimit?(request: RateLimitRequest): Promise<number>;
  /** Management read: filtered, newest-first page of instances with the total count. */
  queryInstances?(query: InstanceQuery): Promise<InstancePage>;
  /** Management read: how many instances have each status (filters as in `queryInstances`). */
  countInstancesByStatus?(query?: Omit<InstanceQuery, 'status' | 'limit' | 'offset' | 'orderBy'>): Promise<Partial<Record<InstanceStatus, number>>>;
  /** Management read: LLM token totals of each instance, in one read (instances without LLM calls are absent). */
  summarizeLlmUsage?(instanceIds: string[]): Promise<Record<string, LlmUsageSummary>>;
  /** Records (or replaces) the diagram of an orchestration version. */
  putDiagram?(record: DiagramRecord): Promise<void>;
  /** Diagram records, of one orchestration name or all; ordered by name, then version. */
  listDiagrams?(name?: string): Promise<DiagramRecord[]>;
}
