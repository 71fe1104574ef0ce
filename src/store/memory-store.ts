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

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryStore implements Store {
  private nextId = 1;
  private readonly instances = new Map<string, InstanceInfo>();
  /** instanceId -> executionId -> events */
  private readonly histories = new Map<string, Map<number, HistoryEvent[]>>();
  private readonly orchestratorQueue: QueuedOrchestratorMessage[] = [];
  private readonly workQueue: QueuedWorkItem[] = [];
  private readonly instanceLocks = new Map<string, InstanceLock>();
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
    for (const m of this.orchestratorQueue) {
      if (m.visibleAtMs > now) continue;
      const instanceId = m.message.instanceId;
      const lock = this.instanceLocks.get(instanceId);
      if (lock && lock.lockedUntilMs > now) continue;
      if (lock) this.releaseInstanceLock(instanceId); // expired: its messages are free again
      const token = randomUUID();
      const messages = this.orchestratorQueue.filter((q) => q.message.instanceId === instanceId && q.visibleAtMs <= now);
      for (const q of messages) {
        q.attempt++;
        q.lockToken = token;
      }
      this.instanceLocks.set(instanceId, { token, lockedUntilMs: now + lockMs, messageIds: messages.map((q) => q.id) });
      const instance = this.instances.get(instanceId) ?? null;
      const executionId = instance?.executionId ?? 0;
      const events = this.histories.get(instanceId)?.get(executionId) ?? [];
      const omit = callerHoldsHistory(opts?.knownHistory, instanceId, executionId, () => events.at(-1)?.eventId);
      const queued = messages.map((q) => ({ id: String(q.id), message: clone(q.message), attempt: q.attempt }));
      return orchestrationItem(instanceId, token, queued, instance ? clone(instance) : null, omit ? 'omitted' : clone(events));
    }
    return null;
  }

  async ackOrchestrationItem(lockToken: string, commit: TurnCommit): Promise<void> {
    const [instanceId, lock] = this.requireInstanceLock(lockToken);
    const executions = this.histories.get(instanceId) ?? new Map<number, HistoryEvent[]>();
    const existing = executions.get(commit.executionId) ?? [];
    const ids = new Set(existing.map((e) => e.eventId));
    for (const e of commit.historyDelta) {
      if (ids.has(e.eventId)) {
        throw new StoreError(`Event id ${e.eventId} already exists in execution ${commit.executionId} of ${instanceId}; nothing was written.`);
      }
      ids.add(e.eventId);
    }
    // Validation done: from here on every change is applied, so the ack is all or nothing.
    const now = Date.now();
    if (commit.historyDelta.length) executions.set(commit.executionId, [...existing, ...clone(commit.historyDelta)]);
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
    this.removeWhere(this.orchestratorQueue, (q) => consumed.has(q.id));
    this.instanceLocks.delete(instanceId);
    for (const w of commit.workItems) this.pushWork(w, now);
    for (const { message, visibleAtMs } of commit.orchestratorMessages) this.pushMessage(message, visibleAtMs ?? now);
    this.removeCancelled(instanceId, commit);
    this.listeners.notifyQueuesOf(commit.workItems);
    if (commit.orchestratorMessages.length) this.notify('orchestrator');
  }

  async abandonOrchestrationItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const [instanceId, lock] = this.requireInstanceLock(lockToken);
    const visibleAtMs = Date.now() + (opts?.delayMs ?? 0);
    const ids = new Set(lock.messageIds);
    for (const q of this.orchestratorQueue) {
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
    const w = this.workQueue.find((q) => q.item.queue === queue && q.visibleAtMs <= now && (q.lockToken === null || q.lockedUntilMs <= now));
    if (!w) return null;
    w.lockToken = randomUUID();
    w.lockedUntilMs = now + lockMs;
    w.attempt++;
    return { id: String(w.id), lockToken: w.lockToken, item: clone(w.item), attempt: w.attempt };
  }

  async ackWorkItem(lockToken: string, completion: OrchestratorMessage | null): Promise<void> {
    const w = this.requireWorkLock(lockToken);
    this.removeWhere(this.workQueue, (q) => q === w);
    if (completion) {
      this.pushMessage(completion, Date.now());
      this.notify('orchestrator');
    }
  }

  async abandonWorkItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const w = this.requireWorkLock(lockToken);
    if (opts?.countAttempt === false) w.attempt = Math.max(0, w.attempt - 1);
    w.lockToken = null;
    w.lockedUntilMs = 0;
    w.visibleAtMs = Date.now() + (opts?.delayMs ?? 0);
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
    for (const id of instanceIds) for (const events of this.histories.get(id)?.values() ?? []) for (const e of events) addLlmUsage(out, id, e);
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
    return clone(executions.get(id) ?? []);
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
    this.orchestratorQueue.push({ id: this.nextId++, message: clone(message), visibleAtMs, attempt: 0, lockToken: null });
  }

  private pushWork(item: WorkItem, visibleAtMs: number): void {
    this.workQueue.push({ id: this.nextId++, item: clone(item), visibleAtMs, attempt: 0, lockToken: null, lockedUntilMs: 0 });
  }

  private requireInstanceLock(lockToken: string): [string, InstanceLock] {
    const now = Date.now();
    for (const [instanceId, lock] of this.instanceLocks) {
      if (lock.token === lockToken) {
        if (lock.lockedUntilMs <= now) break;
        return [instanceId, lock];
      }
    }
    throw new LockLostError(lockToken, 'an orchestration item');
  }

  private requireWorkLock(lockToken: string): QueuedWorkItem {
    const w = this.workQueue.find((q) => q.lockToken === lockToken);
    if (!w || w.lockedUntilMs <= Date.now()) throw new LockLostError(lockToken, 'a work item');
    return w;
  }

  private releaseInstanceLock(instanceId: string): void {
    const lock = this.instanceLocks.get(instanceId);
    if (!lock) return;
    for (const q of this.orchestratorQueue) if (q.lockToken === lock.token) q.lockToken = null;
    this.instanceLocks.delete(instanceId);
  }

  /** The work and timers of schedules the turn cancelled (race losers). */
  private removeCancelled(instanceId: string, commit: TurnCommit): void {
    const work = new Set(commit.cancelledWork ?? []);
    const timers = new Set(commit.cancelledTimers ?? []);
    if (work.size) {
      this.removeWhere(this.workQueue, (q) => q.item.instanceId === instanceId && q.item.executionId === commit.executionId && work.has(q.item.eventId));
    }
    if (timers.size) {
      this.removeWhere(this.orchestratorQueue, (q) => {
        const m = q.message;
        return m.instanceId === instanceId && m.kind === 'TimerFired' && m.executionId === commit.executionId && timers.has(m.sourceEventId);
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
