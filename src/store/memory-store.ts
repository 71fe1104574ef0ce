/**
 * MemoryStore: the Store contract in process memory. For tests and short-lived runs; nothing
 * survives the process. Every method completes synchronously before its promise resolves, so
 * each one is atomic with respect to the others.
 */
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../runtime/history.js';
import type { OrchestratorMessage, StartOrchestrationMessage, WorkItem, WorkQueueName } from '../runtime/messages.js';
import { InstanceAlreadyExistsError, LockLostError, StoreError } from './errors.js';
import { addLlmUsage } from './llm-usage.js';
import { callerHoldsHistory, orchestrationItem } from './orchestration-item.js';
import type { AbandonOptions, DiagramRecord, InstanceInfo, InstancePage, InstanceQuery, InstanceStatus, KnownHistory, ListInstancesOptions, LlmUsageSummary, LockedWorkItem, OrchestrationItem, QueueName, RateLimitRequest, Store, TurnCommit } from './store.js';
import { WorkListeners } from './work-listeners.js';
import { cloneJson } from '../runtime/json-value.js';

interface QueuedOrchestratorMessage {
  id: number;
  message: OrchestratorMessage;
  visibleAtMs: number;
  attempt: number;
  lockToken: string | null;
}

interface QueuedWorkItem {
  id: number;
  item: WorkItem;
  visibleAtMs: number;
  attempt: number;
  lockToken: string | null;
  lockedUntilMs: number;
}

interface InstanceLock {
  token: string;
  lockedUntilMs: number;
  messageIds: number[];
}

/** Stored values are plain JSON (checked by the runtime): copied in and out so callers never share them. */
const clone = cloneJson;

/** One execution's events and their ids (checked on every append). */
interface ExecutionHistory {
  events: HistoryEvent[];
  ids: Set<number>;
}

export class MemoryStore implements Store {
  private nextId = 1;
  private readonly instances = new Map<string, InstanceInfo>();
  /** instanceId -> executionId -> events */
  private readonly histories = new Map<string, Map<number, ExecutionHistory>>();
  /**
   * Orchestrator messages by instance, each list in arrival order; instances in the order their
   * oldest waiting message arrived. Only instances with messages have an entry.
   */
  private readonly messagesByInstance = new Map<string, QueuedOrchestratorMessage[]>();
  private readonly instanceLocks = new Map<string, InstanceLock>();
  private readonly instanceOfLock = new Map<string, string>();
  /** Unleased work per queue, by id (ascending); leased work by lock token. */
  private readonly availableWork: Record<WorkQueueName, QueuedWorkItem[]> = { activity: [], llm: [] };
  private readonly leasedWork = new Map<string, QueuedWorkItem>();
  private readonly listeners = new WorkListeners();
  private readonly rateWindows = new Map<string, { atMs: number; cost: number }[]>();
  private readonly diagrams = new Map<string, DiagramRecord>();

  async init(): Promise<void> {}
  async close(): Promise<void> {
    this.listeners.clear();
  }

  async createInstance(start: StartOrchestrationMessage): Promise<void> {
    if (this.instances.has(start.instanceId)) throw new InstanceAlreadyExistsError(start.instanceId);
    const now = Date.now();
    this.instances.set(start.instanceId, {
      instanceId: start.instanceId,
      name: start.name,
      version: null,
      status: 'Pending',
      executionId: 0,
      ...(start.parentInstanceId !== undefined ? { parentInstanceId: start.parentInstanceId } : {}),
      createdAtMs: now,
      updatedAtMs: now,
    });
    this.pushMessage(start, now);
    this.notify('orchestrator');
  }

  async enqueueOrchestratorMessage(message: OrchestratorMessage, opts?: { visibleAtMs?: number }): Promise<void> {
    this.pushMessage(message, opts?.visibleAtMs ?? Date.now());
    this.notify('orchestrator');
  }

  async enqueueWorkItem(item: WorkItem, opts?: { visibleAtMs?: number }): Promise<void> {
    this.pushWork(item, opts?.visibleAtMs ?? Date.now());
    this.notify(item.queue);
  }

  async fetchOrchestrationItem(lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null> {
    const now = Date.now();
    for (const [instanceId, queued] of this.messagesByInstance) {
      if (!queued.some((q) => q.visibleAtMs <= now)) continue;
      const lock = this.instanceLocks.get(instanceId);
      if (lock && lock.lockedUntilMs > now) continue;
      return this.lockInstance(instanceId, lockMs, now, opts);
    }
    return null;
  }

  /** Locks an unlocked instance with visible messages and assembles its orchestration item. */
  private lockInstance(instanceId: string, lockMs: number, now: number, opts?: { knownHistory?: KnownHistory }): OrchestrationItem {
    this.releaseInstanceLock(instanceId); // an expired lock: its messages are free again
    const token = randomUUID();
    const messages = (this.messagesByInstance.get(instanceId) ?? []).filter((q) => q.visibleAtMs <= now);
    for (const q of messages) {
      q.attempt++;
      q.lockToken = token;
    }
    this.instanceLocks.set(instanceId, { token, lockedUntilMs: now + lockMs, messageIds: messages.map((q) => q.id) });
    this.instanceOfLock.set(token, instanceId);
    const instance = this.instances.get(instanceId) ?? null;
    const executionId = instance?.executionId ?? 0;
    const events = this.histories.get(instanceId)?.get(executionId)?.events ?? [];
    const omit = callerHoldsHistory(opts?.knownHistory, instanceId, executionId, () => events.at(-1)?.eventId);
    const queued = messages.map((q) => ({ id: String(q.id), message: clone(q.message), attempt: q.attempt }));
    return orchestrationItem(instanceId, token, queued, instance ? clone(instance) : null, omit ? 'omitted' : clone(events));
  }

  async ackOrchestrationItem(lockToken: string, commit: TurnCommit): Promise<void> {
    this.ackTurn(lockToken, commit, 0, 0);
  }

  async ackOrchestrationItemAndLockWork(lockToken: string, commit: TurnCommit, lockMs: number, maxWorkItems: number): Promise<LockedWorkItem[]> {
    return this.ackTurn(lockToken, commit, maxWorkItems, lockMs);
  }

  /** Commits a turn; with `lockWork` > 0 also locks that many of its new activity items for the caller. */
  private ackTurn(lockToken: string, commit: TurnCommit, lockWork: number, lockMs: number): LockedWorkItem[] {
    const [instanceId, lock] = this.requireInstanceLock(lockToken);
    const executions = this.histories.get(instanceId) ?? new Map<number, ExecutionHistory>();
    const existing = executions.get(commit.executionId) ?? { events: [], ids: new Set<number>() };
    const added = new Set<number>();
    for (const e of commit.historyDelta) {
      if (existing.ids.has(e.eventId) || added.has(e.eventId)) {
        throw new StoreError(`Event id ${e.eventId} already exists in execution ${commit.executionId} of ${instanceId}; nothing was written.`);
      }
      added.add(e.eventId);
    }
    // Validation done: from here on every change is applied, so the ack is all or nothing.
    const now = Date.now();
    for (const e of clone(commit.historyDelta)) {
      existing.events.push(e);
      existing.ids.add(e.eventId);
    }
    if (commit.historyDelta.length) executions.set(commit.executionId, existing);
    this.histories.set(instanceId, executions);
    const previous = this.instances.get(instanceId);
    this.instances.set(instanceId, {
      instanceId,
      name: commit.instance.name,
      version: commit.instance.version,
      status: commit.instance.status,
      executionId: Math.max(commit.executionId, previous?.executionId ?? 0),
      ...(commit.instance.output !== undefined ? { output: clone(commit.instance.output) } : {}),
      ...(commit.instance.error !== undefined ? { error: clone(commit.instance.error) } : {}),
      ...(commit.instance.customStatus !== undefined ? { customStatus: clone(commit.instance.customStatus) } : {}),
      ...(commit.instance.parentInstanceId !== undefined ? { parentInstanceId: commit.instance.parentInstanceId } : {}),
      createdAtMs: previous?.createdAtMs ?? now,
      updatedAtMs: now,
    });
    const consumed = new Set(lock.messageIds);
    this.removeMessages(instanceId, (q) => consumed.has(q.id));
    this.instanceLocks.delete(instanceId);
    this.instanceOfLock.delete(lockToken);
    const taken: LockedWorkItem[] = [];
    for (const w of commit.workItems) {
      const queued = this.pushWork(w, now);
      if (w.queue === 'activity' && taken.length < lockWork) taken.push(this.leaseWork(queued, lockMs, now));
    }
    for (const { message, visibleAtMs } of commit.orchestratorMessages) this.pushMessage(message, visibleAtMs ?? now);
    this.removeCancelled(instanceId, commit);
    // Wake other workers only for work this one did not take.
    if (commit.workItems.length > taken.length) this.listeners.notifyQueuesOf(commit.workItems);
    if (commit.orchestratorMessages.length) this.notify('orchestrator');
    return taken;
  }

  async abandonOrchestrationItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const [instanceId, lock] = this.requireInstanceLock(lockToken);
    const visibleAtMs = Date.now() + (opts?.delayMs ?? 0);
    const ids = new Set(lock.messageIds);
    for (const q of this.messagesByInstance.get(instanceId) ?? []) {
      if (!ids.has(q.id)) continue;
      q.visibleAtMs = Math.max(q.visibleAtMs, visibleAtMs);
      if (opts?.countAttempt === false) q.attempt = Math.max(0, q.attempt - 1);
    }
    this.releaseInstanceLock(instanceId);
  }

  async renewOrchestrationLock(lockToken: string, lockMs: number): Promise<void> {
    const [, lock] = this.requireInstanceLock(lockToken);
    lock.lockedUntilMs = Date.now() + lockMs;
  }

  async fetchWorkItem(queue: WorkQueueName, lockMs: number): Promise<LockedWorkItem | null> {
    const now = Date.now();
    this.reclaimExpiredLeases(now);
    const available = this.availableWork[queue];
    const index = available.findIndex((q) => q.visibleAtMs <= now);
    if (index < 0) return null;
    const [w] = available.splice(index, 1);
    return this.leaseWork(w, lockMs, now, false);
  }

  async ackWorkItem(lockToken: string, completion: OrchestratorMessage | null): Promise<void> {
    this.requireWorkLock(lockToken);
    this.leasedWork.delete(lockToken);
    if (completion) {
      this.pushMessage(completion, Date.now());
      this.notify('orchestrator');
    }
  }

  async ackWorkItemAndLockInstance(lockToken: string, completion: OrchestratorMessage, lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null> {
    this.requireWorkLock(lockToken);
    this.leasedWork.delete(lockToken);
    const now = Date.now();
    this.pushMessage(completion, now);
    const lock = this.instanceLocks.get(completion.instanceId);
    if (lock && lock.lockedUntilMs > now) {
      this.notify('orchestrator');
      return null;
    }
    return this.lockInstance(completion.instanceId, lockMs, now, opts);
  }

  async abandonWorkItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const w = this.requireWorkLock(lockToken);
    if (opts?.countAttempt === false) w.attempt = Math.max(0, w.attempt - 1);
    this.leasedWork.delete(lockToken);
    w.lockToken = null;
    w.lockedUntilMs = 0;
    w.visibleAtMs = Date.now() + (opts?.delayMs ?? 0);
    this.makeAvailable(w);
  }

  async renewWorkItemLock(lockToken: string, lockMs: number): Promise<void> {
    this.requireWorkLock(lockToken).lockedUntilMs = Date.now() + lockMs;
  }

  async getInstance(instanceId: string): Promise<InstanceInfo | null> {
    const i = this.instances.get(instanceId);
    return i ? clone(i) : null;
  }

  async listInstances(opts: ListInstancesOptions = {}): Promise<InstanceInfo[]> {
    const all = [...this.instances.values()]
      .filter((i) => (opts.status === undefined || i.status === opts.status) && (opts.name === undefined || i.name === opts.name))
      .sort((a, b) => a.createdAtMs - b.createdAtMs || a.instanceId.localeCompare(b.instanceId));
    const offset = opts.offset ?? 0;
    return clone(all.slice(offset, opts.limit === undefined ? undefined : offset + opts.limit));
  }

  async queryInstances(q: InstanceQuery): Promise<InstancePage> {
    const key = q.orderBy === 'updated' ? 'updatedAtMs' : 'createdAtMs';
    const all = [...this.instances.values()]
      .filter((i) => q.status === undefined || i.status === q.status)
      .filter((i) => matchesQuery(i, q))
      .sort((a, b) => b[key] - a[key] || (a.instanceId < b.instanceId ? 1 : a.instanceId > b.instanceId ? -1 : 0));
    const offset = q.offset ?? 0;
    return { instances: clone(all.slice(offset, q.limit === undefined ? undefined : offset + q.limit)), total: all.length };
  }

  async countInstancesByStatus(q: Omit<InstanceQuery, 'status' | 'limit' | 'offset' | 'orderBy'> = {}): Promise<Partial<Record<InstanceStatus, number>>> {
    const counts: Partial<Record<InstanceStatus, number>> = {};
    for (const i of this.instances.values()) if (matchesQuery(i, q)) counts[i.status] = (counts[i.status] ?? 0) + 1;
    return counts;
  }

  async summarizeLlmUsage(instanceIds: string[]): Promise<Record<string, LlmUsageSummary>> {
    const out: Record<string, LlmUsageSummary> = {};
    for (const id of instanceIds) for (const execution of this.histories.get(id)?.values() ?? []) for (const e of execution.events) addLlmUsage(out, id, e);
    return out;
  }

  async putDiagram(record: DiagramRecord): Promise<void> {
    this.diagrams.set(`${record.name}\u0000${record.version}`, clone(record));
  }

  async listDiagrams(name?: string): Promise<DiagramRecord[]> {
    return clone(
      [...this.diagrams.values()]
        .filter((d) => name === undefined || d.name === name)
        .sort((a, b) => (a.name === b.name ? (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) : a.name < b.name ? -1 : 1)),
    );
  }

  async listExecutions(instanceId: string): Promise<number[]> {
    return [...(this.histories.get(instanceId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  async readHistory(instanceId: string, executionId?: number): Promise<HistoryEvent[]> {
    const executions = this.histories.get(instanceId);
    if (!executions) return [];
    const id = executionId ?? this.instances.get(instanceId)?.executionId ?? Math.max(0, ...executions.keys());
    return clone(executions.get(id)?.events ?? []);
  }

  onWork(listener: (queue: QueueName) => void): () => void {
    return this.listeners.add(listener);
  }

  async takeRateLimit(req: RateLimitRequest): Promise<number> {
    const now = Date.now();
    const window = (this.rateWindows.get(req.key) ?? []).filter((e) => e.atMs > now - req.windowMs);
    const used = window.reduce((s, e) => s + e.cost, 0);
    if (used + req.cost <= req.limit || window.length === 0) {
      window.push({ atMs: now, cost: req.cost });
      this.rateWindows.set(req.key, window);
      return 0;
    }
    // Wait until enough of the oldest entries leave the window.
    let freed = 0;
    for (const e of window) {
      freed += e.cost;
      if (used - freed + req.cost <= req.limit) return Math.max(1, e.atMs + req.windowMs - now);
    }
    return req.windowMs;
  }

  // ----- internals -----

  private pushMessage(message: OrchestratorMessage, visibleAtMs: number): void {
    const queued = { id: this.nextId++, message: clone(message), visibleAtMs, attempt: 0, lockToken: null };
    const list = this.messagesByInstance.get(message.instanceId);
    if (list) list.push(queued);
    else this.messagesByInstance.set(message.instanceId, [queued]);
  }

  private removeMessages(instanceId: string, predicate: (q: QueuedOrchestratorMessage) => boolean): void {
    const list = this.messagesByInstance.get(instanceId);
    if (!list) return;
    this.removeWhere(list, predicate);
    // Re-queued behind the others: an instance with messages left waits its turn again.
    this.messagesByInstance.delete(instanceId);
    if (list.length) this.messagesByInstance.set(instanceId, list);
  }

  private pushWork(item: WorkItem, visibleAtMs: number): QueuedWorkItem {
    const queued = { id: this.nextId++, item: clone(item), visibleAtMs, attempt: 0, lockToken: null, lockedUntilMs: 0 };
    this.availableWork[item.queue].push(queued);
    return queued;
  }

  /** Leases a work item (taken off its available list already unless `fromAvailable`). */
  private leaseWork(w: QueuedWorkItem, lockMs: number, now: number, fromAvailable = true): LockedWorkItem {
    if (fromAvailable) this.removeWhere(this.availableWork[w.item.queue], (q) => q === w);
    w.lockToken = randomUUID();
    w.lockedUntilMs = now + lockMs;
    w.attempt++;
    this.leasedWork.set(w.lockToken, w);
    return { id: String(w.id), lockToken: w.lockToken, item: clone(w.item), attempt: w.attempt };
  }

  /** Work whose lease ran out goes back to its queue, in id order. */
  private reclaimExpiredLeases(now: number): void {
    for (const [token, w] of this.leasedWork) {
      if (w.lockedUntilMs > now) continue;
      this.leasedWork.delete(token);
      this.makeAvailable(w);
    }
  }

  private makeAvailable(w: QueuedWorkItem): void {
    const list = this.availableWork[w.item.queue];
    let i = list.length;
    while (i > 0 && list[i - 1].id > w.id) i--;
    list.splice(i, 0, w);
  }

  private requireInstanceLock(lockToken: string): [string, InstanceLock] {
    const instanceId = this.instanceOfLock.get(lockToken);
    const lock = instanceId === undefined ? undefined : this.instanceLocks.get(instanceId);
    if (instanceId === undefined || !lock || lock.token !== lockToken || lock.lockedUntilMs <= Date.now()) {
      throw new LockLostError(lockToken, 'an orchestration item');
    }
    return [instanceId, lock];
  }

  private requireWorkLock(lockToken: string): QueuedWorkItem {
    const w = this.leasedWork.get(lockToken);
    if (!w || w.lockedUntilMs <= Date.now()) throw new LockLostError(lockToken, 'a work item');
    return w;
  }

  private releaseInstanceLock(instanceId: string): void {
    const lock = this.instanceLocks.get(instanceId);
    if (!lock) return;
    for (const q of this.messagesByInstance.get(instanceId) ?? []) if (q.lockToken === lock.token) q.lockToken = null;
    this.instanceLocks.delete(instanceId);
    this.instanceOfLock.delete(lock.token);
  }

  /** The work and timers of schedules the turn cancelled (race losers). */
  private removeCancelled(instanceId: string, commit: TurnCommit): void {
    const work = new Set(commit.cancelledWork ?? []);
    const timers = new Set(commit.cancelledTimers ?? []);
    if (work.size) {
      const cancelled = (q: QueuedWorkItem) => q.item.instanceId === instanceId && q.item.executionId === commit.executionId && work.has(q.item.eventId);
      for (const list of Object.values(this.availableWork)) this.removeWhere(list, cancelled);
      for (const [token, w] of this.leasedWork) if (cancelled(w)) this.leasedWork.delete(token);
    }
    if (timers.size) {
      this.removeMessages(instanceId, (q) => {
        const m = q.message;
        return m.kind === 'TimerFired' && m.executionId === commit.executionId && timers.has(m.sourceEventId);
      });
    }
  }

  private removeWhere<T>(list: T[], predicate: (t: T) => boolean): void {
    for (let i = list.length - 1; i >= 0; i--) if (predicate(list[i])) list.splice(i, 1);
  }

  private notify(queue: QueueName): void {
    this.listeners.notify(queue);
  }
}

function matchesQuery(i: InstanceInfo, q: Omit<InstanceQuery, 'status' | 'limit' | 'offset' | 'orderBy'>): boolean {
  return (
    (q.name === undefined || i.name === q.name) &&
    (q.idContains === undefined || i.instanceId.includes(q.idContains)) &&
    (q.createdFromMs === undefined || i.createdAtMs >= q.createdFromMs) &&
    (q.createdToMs === undefined || i.createdAtMs < q.createdToMs) &&
    (q.updatedAfterMs === undefined || i.updatedAtMs > q.updatedAfterMs)
  );
}
