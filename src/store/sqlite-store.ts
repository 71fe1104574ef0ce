/**
 * SqliteStore: the embedded default. One file (default `.duroxide/duroxide.db`) in WAL mode,
 * on better-sqlite3. Every method is one `BEGIN IMMEDIATE` transaction, so several processes
 * may share the file; better-sqlite3 is synchronous, so a method is also atomic in-process.
 *
 * Durability: with `synchronous: 'normal'` (the default) and WAL, a committed turn survives a
 * process crash or SIGKILL; a power loss or OS crash may lose the last transactions (never
 * corrupt the file). `synchronous: 'full'` fsyncs every commit and survives power loss too,
 * at a large cost in throughput.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { HistoryEvent } from '../runtime/history.js';
import type { OrchestratorMessage, StartOrchestrationMessage, WorkItem, WorkQueueName } from '../runtime/messages.js';
import { InstanceAlreadyExistsError, LockLostError, StoreError } from './errors.js';
import { addLlmUsage, LLM_EVENT_MARK } from './llm-usage.js';
import { callerHoldsHistory, orchestrationItem } from './orchestration-item.js';
import { DEFAULT_HISTORY_WARNING_BYTES, historySizeWarning, type StoreLogger } from './history-size.js';
import { PayloadCodec, type PayloadNode } from './payload-codec.js';
import { instanceOrder, instanceWhere, type SqlDialect } from './sql-instance-query.js';
import { checkExistingFile, newerSchemaError } from './sqlite-file-check.js';
import { APPLICATION_ID, FORMAT_MARKER, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
import { instanceColumns, instanceFromRow, lockedWorkItemFromRow, queuedMessageFromRow, type Row } from './sql-rows.js';
import type { AbandonOptions, DiagramRecord, InstanceInfo, InstancePage, InstanceQuery, InstanceStatus, KnownHistory, ListInstancesOptions, LlmUsageSummary, LockedWorkItem, OrchestrationItem, QueueName, RateLimitRequest, Store, TurnCommit } from './store.js';
import { WorkListeners } from './work-listeners.js';
import { GroupCommit } from './group-commit.js';

export interface SqliteStoreOptions {
  /** Database file; created with its folder when missing. Default `.duroxide/duroxide.db`. */
  path?: string;
  /** `normal` (default): survives process crashes. `full`: survives power loss, slower. */
  synchronous?: 'normal' | 'full';
  /** How long a transaction waits for another process's lock (default 5,000 ms). */
  busyTimeoutMs?: number;
  /** Where the store says what it did on its own (default: console.warn). */
  logger?: StoreLogger;
  /**
   * Event values whose JSON text has at least this many characters are stored once by
   * content hash and referenced from the event row (default 1,024). `Infinity` keeps every
   * value inline.
   */
  payloadThresholdBytes?: number;
  /** Log once per instance when its current execution's history passes this size (default 10 MB). */
  historyWarningBytes?: number;
}

/** SQLite spells the management reads' placeholders `?` and finds substrings with instr(). */
const SQLITE: SqlDialect = { placeholder: () => '?', contains: (column, p) => `instr(${column}, ${p}) > 0` };

export class SqliteStore implements Store {
  readonly path: string;
  private readonly synchronous: 'normal' | 'full';
  private readonly busyTimeoutMs: number;
  private database: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly listeners = new WorkListeners();
  private opening: Promise<void> | null = null;
  private readonly logger: StoreLogger;
  private readonly codec: PayloadCodec;
  private readonly historyWarningBytes: number;

  constructor(opts: SqliteStoreOptions = {}) {
    this.path = resolve(opts.path ?? '.duroxide/duroxide.db');
    this.synchronous = opts.synchronous ?? 'normal';
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    this.logger = opts.logger ?? { warn: (m) => console.warn(m) };
    this.codec = new PayloadCodec(opts.payloadThresholdBytes);
    this.historyWarningBytes = opts.historyWarningBytes ?? DEFAULT_HISTORY_WARNING_BYTES;
  }

  init(): Promise<void> {
    return (this.opening ??= Promise.resolve().then(() => this.open()));
  }

  async close(): Promise<void> {
    if (this.database) this.writes.flush(); // writes already submitted are not dropped
    this.listeners.clear();
    this.statements.clear();
    this.transactionRunner = null;
    this.database?.close();
    this.database = null;
    this.opening = null;
  }

  // ----- client side -----

  async createInstance(start: StartOrchestrationMessage): Promise<void> {
    await this.writes.submit(() => {
      const now = Date.now();
      const inserted = this.stmt(
        `INSERT INTO instances (instance_id, name, status, execution_id, parent_instance_id, created_at, updated_at)
         VALUES (?, ?, 'Pending', 0, ?, ?, ?) ON CONFLICT(instance_id) DO NOTHING`,
      ).run(start.instanceId, start.name, start.parentInstanceId ?? null, now, now);
      if (inserted.changes === 0) throw new InstanceAlreadyExistsError(start.instanceId);
      this.insertMessage(start, now);
    }, () => this.notify('orchestrator'));
  }

  async enqueueOrchestratorMessage(message: OrchestratorMessage, opts?: { visibleAtMs?: number }): Promise<void> {
    await this.writes.submit(
      () => this.insertMessage(message, opts?.visibleAtMs ?? Date.now()),
      () => this.notify('orchestrator'),
    );
  }

  async enqueueWorkItem(item: WorkItem, opts?: { visibleAtMs?: number }): Promise<void> {
    await this.writes.submit(
      () => void this.insertWork(item, JSON.stringify(item), opts?.visibleAtMs ?? Date.now()),
      () => this.notify(item.queue),
    );
  }

  // ----- orchestrator queue -----

  async fetchOrchestrationItem(lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null> {
    const now = Date.now();
    return this.tx(() => {
      const candidate = this.stmt(
        `SELECT q.instance_id AS instance_id FROM orchestrator_queue q
         LEFT JOIN instance_locks l ON l.instance_id = q.instance_id
         WHERE q.visible_at <= ? AND (l.locked_until IS NULL OR l.locked_until <= ?)
         ORDER BY q.visible_at, q.id LIMIT 1`,
      ).get(now, now) as Row | undefined;
      if (!candidate) return null;
      const instanceId = candidate.instance_id as string;
      const token = randomUUID();
      this.stmt(
        `INSERT INTO instance_locks (instance_id, lock_token, locked_until) VALUES (?, ?, ?)
         ON CONFLICT(instance_id) DO UPDATE SET lock_token = excluded.lock_token, locked_until = excluded.locked_until`,
      ).run(instanceId, token, now + lockMs);
      return this.lockedItem(instanceId, token, now, opts);
    });
  }

  /** After the instance lock is taken: lock its visible messages and read what the turn needs. */
  private lockedItem(instanceId: string, token: string, now: number, opts?: { knownHistory?: KnownHistory }): OrchestrationItem {
    const rows = this.stmt(
      `UPDATE orchestrator_queue SET attempt = attempt + 1, lock_token = ? WHERE instance_id = ? AND visible_at <= ? RETURNING id, message, attempt`,
    ).all(token, instanceId, now) as Row[];
    rows.sort((a, b) => (a.id as number) - (b.id as number)); // RETURNING has no order of its own
    const messages = rows.map((r) => queuedMessageFromRow(r.id, r.message, r.attempt));
    const instance = this.readInstance(instanceId);
    const executionId = instance?.executionId ?? 0;
    const lastEventId = () =>
      (this.stmt(`SELECT MAX(event_id) AS last FROM history WHERE instance_id = ? AND execution_id = ?`).get(instanceId, executionId) as Row).last as number | null;
    const omit = callerHoldsHistory(opts?.knownHistory, instanceId, executionId, lastEventId);
    return orchestrationItem(instanceId, token, messages, instance, omit ? 'omitted' : this.readEvents(instanceId, executionId));
  }

  async ackOrchestrationItem(lockToken: string, commit: TurnCommit): Promise<void> {
    await this.ackTurn(lockToken, commit, 0, 0);
  }

  async ackOrchestrationItemAndLockWork(lockToken: string, commit: TurnCommit, lockMs: number, maxWorkItems: number): Promise<LockedWorkItem[]> {
    return this.ackTurn(lockToken, commit, maxWorkItems, lockMs);
  }

  /** Commits a turn; with `lockWork` > 0 also locks that many new activity items for the caller. */
  private ackTurn(lockToken: string, commit: TurnCommit, lockWork: number, lockMs: number): Promise<LockedWorkItem[]> {
    const taken: LockedWorkItem[] = [];
    let sizeWarning: ReturnType<typeof historySizeWarning> | null = null;
    let committed = () => {};
    const write = () => {
      const now = Date.now();
      // Releasing the lock proves it was held (a lost lock fails the write, rolled back).
      const lock = this.stmt(`DELETE FROM instance_locks WHERE lock_token = ? AND locked_until > ? RETURNING instance_id`).get(lockToken, now) as Row | undefined;
      if (!lock) throw new LockLostError(lockToken, 'an orchestration item');
      const instanceId = lock.instance_id as string;
      const encoded = this.appendHistory(instanceId, commit);
      committed = encoded.committed;
      sizeWarning = this.writeInstanceRow(instanceId, commit, now, encoded.plainLength);
      this.stmt(`DELETE FROM orchestrator_queue WHERE lock_token = ?`).run(lockToken);
      for (const w of commit.workItems) {
        if (w.queue === 'activity' && taken.length < lockWork) {
          const token = randomUUID();
          const id = this.insertWork(w, encoded.workItemRow(w), now, { token, until: now + lockMs });
          taken.push({ id: String(id), lockToken: token, item: w, attempt: 1 });
        } else {
          this.insertWork(w, encoded.workItemRow(w), now);
        }
      }
      for (const { message, visibleAtMs } of commit.orchestratorMessages) this.insertMessage(message, visibleAtMs ?? now);
      this.deleteCancelled(instanceId, commit);
      return taken;
    };
    return this.writes.submit(write, () => {
      committed();
      if (sizeWarning) this.logger.warn(...(sizeWarning as ReturnType<typeof historySizeWarning>));
      // Wake other workers only for work this one did not take.
      if (commit.workItems.length > taken.length) this.listeners.notifyQueuesOf(commit.workItems);
      if (commit.orchestratorMessages.length) this.notify('orchestrator');
    });
  }

  /** The work and timers of schedules the turn cancelled (race losers). Rare: JSON is read here. */
  private deleteCancelled(instanceId: string, commit: TurnCommit): void {
    for (const eventId of commit.cancelledWork ?? []) {
      this.stmt(
        `DELETE FROM work_queue WHERE json_extract(item, '$.instanceId') = ? AND json_extract(item, '$.executionId') = ? AND json_extract(item, '$.eventId') = ?`,
      ).run(instanceId, commit.executionId, eventId);
    }
    for (const eventId of commit.cancelledTimers ?? []) {
      this.stmt(
        `DELETE FROM orchestrator_queue WHERE instance_id = ? AND json_extract(message, '$.kind') = 'TimerFired'
           AND json_extract(message, '$.executionId') = ? AND json_extract(message, '$.sourceEventId') = ?`,
      ).run(instanceId, commit.executionId, eventId);
    }
  }

  /** A duplicate event id fails the whole turn (the transaction rolls back). Large values go to `payloads`. */
  private appendHistory(instanceId: string, commit: TurnCommit) {
    const plan = this.codec.plan(commit.historyDelta);
    const encoded = plan.finish(this.existingPayloads(plan.probe));
    const insertNode = this.stmt(`INSERT OR IGNORE INTO payloads (key, prev, body) VALUES (?, ?, ?)`);
    for (const n of encoded.nodes) insertNode.run(n.key, n.prev, n.body);
    const insertEvent = this.stmt(`INSERT INTO history (instance_id, execution_id, event_id, event) VALUES (?, ?, ?, ?)`);
    for (const [i, e] of commit.historyDelta.entries()) {
      try {
        insertEvent.run(instanceId, commit.executionId, e.eventId, encoded.rows[i]);
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
          throw new StoreError(`Event id ${e.eventId} already exists in execution ${commit.executionId} of ${instanceId}; nothing was written.`);
        }
        throw err;
      }
    }
    return encoded;
  }

  /** Which of `keys` the payloads table holds (hex). */
  private existingPayloads(keys: Buffer[]): Set<string> {
    if (keys.length === 0) return new Set();
    const rows = this.stmt(`SELECT hex(key) AS key FROM payloads WHERE key IN (SELECT unhex(value) FROM json_each(?))`).all(
      JSON.stringify(keys.map((k) => k.toString('hex'))),
    ) as Row[];
    return new Set(rows.map((r) => (r.key as string).toLowerCase()));
  }

  /**
   * Upserts the instance row (the execution id never moves backwards) and adds the turn's
   * events to the execution's size: returns the warning when that passes the threshold for
   * the first time.
   */
  private writeInstanceRow(instanceId: string, commit: TurnCommit, now: number, addedBytes: number): ReturnType<typeof historySizeWarning> | null {
    const e = commit.executionId;
    const row = this.stmt(
      `INSERT INTO instances (instance_id, name, version, status, execution_id, output, error, custom_status, parent_instance_id, created_at, updated_at,
                              history_bytes, history_execution)
       VALUES (@id, @name, @version, @status, @e, @output, @error, @customStatus, @parent, @now, @now, @n, @e)
       ON CONFLICT(instance_id) DO UPDATE SET name = @name, version = @version, status = @status,
         execution_id = MAX(execution_id, @e), output = @output, error = @error,
         custom_status = @customStatus, parent_instance_id = @parent, updated_at = @now,
         history_bytes = CASE WHEN history_execution = @e THEN history_bytes + @n ELSE @n END, history_execution = @e
       RETURNING history_bytes, history_warned`,
    ).get({ id: instanceId, e, now, n: addedBytes, ...instanceColumns(commit.instance) }) as Row;
    if (row.history_warned || (row.history_bytes as number) < this.historyWarningBytes) return null;
    this.stmt(`UPDATE instances SET history_warned = 1 WHERE instance_id = ?`).run(instanceId);
    return historySizeWarning(instanceId, e, row.history_bytes as number, this.historyWarningBytes);
  }

  async abandonOrchestrationItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const now = Date.now();
    this.tx(() => {
      this.requireInstanceLock(lockToken, now);
      this.stmt(`UPDATE orchestrator_queue SET lock_token = NULL, visible_at = MAX(visible_at, ?), attempt = MAX(0, attempt - ?) WHERE lock_token = ?`).run(
        now + (opts?.delayMs ?? 0),
        opts?.countAttempt === false ? 1 : 0,
        lockToken,
      );
      this.stmt(`DELETE FROM instance_locks WHERE lock_token = ?`).run(lockToken);
    });
    this.notify('orchestrator');
  }

  async renewOrchestrationLock(lockToken: string, lockMs: number): Promise<void> {
    const now = Date.now();
    this.tx(() => {
      this.requireInstanceLock(lockToken, now);
      this.stmt(`UPDATE instance_locks SET locked_until = ? WHERE lock_token = ?`).run(now + lockMs, lockToken);
    });
  }

  // ----- work queue -----

  async fetchWorkItem(queue: WorkQueueName, lockMs: number): Promise<LockedWorkItem | null> {
    const now = Date.now();
    return this.tx(() => {
      const row = this.stmt(
        `SELECT id, item, attempt FROM work_queue WHERE queue = ? AND visible_at <= ? AND locked_until <= ? ORDER BY visible_at, id LIMIT 1`,
      ).get(queue, now, now) as Row | undefined;
      if (!row) return null;
      const token = randomUUID();
      this.stmt(`UPDATE work_queue SET lock_token = ?, locked_until = ?, attempt = attempt + 1 WHERE id = ?`).run(token, now + lockMs, row.id);
      const item = this.codec.decodeWorkItem<WorkItem>(row.item as string, (keys) => this.loadPayloads(keys));
      return lockedWorkItemFromRow(row.id, token, item, (row.attempt as number) + 1);
    });
  }

  async ackWorkItem(lockToken: string, completion: OrchestratorMessage | null): Promise<void> {
    await this.writes.submit(
      () => {
        const now = Date.now();
        const deleted = this.stmt(`DELETE FROM work_queue WHERE lock_token = ? AND locked_until > ?`).run(lockToken, now);
        if (deleted.changes === 0) throw new LockLostError(lockToken, 'a work item');
        if (completion) this.insertMessage(completion, now);
      },
      () => {
        if (completion) this.notify('orchestrator');
      },
    );
  }

  async ackWorkItemAndLockInstance(lockToken: string, completion: OrchestratorMessage, lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null> {
    const write = () => {
      const now = Date.now();
      const deleted = this.stmt(`DELETE FROM work_queue WHERE lock_token = ? AND locked_until > ?`).run(lockToken, now);
      if (deleted.changes === 0) throw new LockLostError(lockToken, 'a work item');
      this.insertMessage(completion, now);
      const token = randomUUID();
      const claimed = this.stmt(
        `INSERT INTO instance_locks (instance_id, lock_token, locked_until) VALUES (?, ?, ?)
         ON CONFLICT(instance_id) DO UPDATE SET lock_token = excluded.lock_token, locked_until = excluded.locked_until
         WHERE instance_locks.locked_until <= ?`,
      ).run(completion.instanceId, token, now + lockMs, now);
      return claimed.changes > 0 ? this.lockedItem(completion.instanceId, token, now, opts) : null;
    };
    return this.writes.submit(write, (item) => {
      if (!item) this.notify('orchestrator');
    });
  }

  async abandonWorkItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const now = Date.now();
    this.tx(() => {
      const updated = this.stmt(
        `UPDATE work_queue SET lock_token = NULL, locked_until = 0, visible_at = ?, attempt = MAX(0, attempt - ?) WHERE lock_token = ? AND locked_until > ?`,
      ).run(now + (opts?.delayMs ?? 0), opts?.countAttempt === false ? 1 : 0, lockToken, now);
      if (updated.changes === 0) throw new LockLostError(lockToken, 'a work item');
    });
  }

  async renewWorkItemLock(lockToken: string, lockMs: number): Promise<void> {
    const now = Date.now();
    this.tx(() => {
      const updated = this.stmt(`UPDATE work_queue SET locked_until = ? WHERE lock_token = ? AND locked_until > ?`).run(now + lockMs, lockToken, now);
      if (updated.changes === 0) throw new LockLostError(lockToken, 'a work item');
    });
  }

  // ----- reads -----

  async getInstance(instanceId: string): Promise<InstanceInfo | null> {
    return this.readInstance(instanceId);
  }

  async listInstances(opts: ListInstancesOptions = {}): Promise<InstanceInfo[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.status) {
      where.push('status = ?');
      args.push(opts.status);
    }
    if (opts.name) {
      where.push('name = ?');
      args.push(opts.name);
    }
    const sql = `SELECT * FROM instances ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at, instance_id LIMIT ? OFFSET ?`;
    const rows = this.db.prepare(sql).all(...args, opts.limit ?? -1, opts.offset ?? 0) as Row[];
    return rows.map(instanceFromRow);
  }

  async queryInstances(q: InstanceQuery): Promise<InstancePage> {
    const { where, args } = instanceWhere(q, SQLITE, { status: true });
    // A deferred read transaction: the page and its total come from one snapshot, without the write lock.
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT * FROM instances ${where} ORDER BY ${instanceOrder(q)} LIMIT ? OFFSET ?`).all(...args, q.limit ?? -1, q.offset ?? 0) as Row[];
      const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM instances ${where}`).get(...args) as Row).n as number;
      return { instances: rows.map(instanceFromRow), total };
    }).deferred();
  }

  async countInstancesByStatus(q: Omit<InstanceQuery, 'status' | 'limit' | 'offset' | 'orderBy'> = {}): Promise<Partial<Record<InstanceStatus, number>>> {
    const { where, args } = instanceWhere(q, SQLITE, { status: false });
    const rows = this.db.prepare(`SELECT status, COUNT(*) AS n FROM instances ${where} GROUP BY status`).all(...args) as Row[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async summarizeLlmUsage(instanceIds: string[]): Promise<Record<string, LlmUsageSummary>> {
    const out: Record<string, LlmUsageSummary> = {};
    for (let i = 0; i < instanceIds.length; i += 500) {
      const ids = instanceIds.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT instance_id, event FROM history WHERE instance_id IN (${ids.map(() => '?').join(',')}) AND instr(event, ?) > 0`)
        .all(...ids, LLM_EVENT_MARK) as Row[];
      for (const r of rows) addLlmUsage(out, r.instance_id, JSON.parse(r.event) as HistoryEvent);
    }
    return out;
  }

  async putDiagram(record: DiagramRecord): Promise<void> {
    this.stmt(`INSERT INTO diagrams (name, version, record) VALUES (?, ?, ?) ON CONFLICT(name, version) DO UPDATE SET record = excluded.record`).run(
      record.name,
      record.version,
      JSON.stringify(record),
    );
  }

  async listDiagrams(name?: string): Promise<DiagramRecord[]> {
    const rows = (
      name === undefined ? this.stmt(`SELECT record FROM diagrams ORDER BY name, version`).all() : this.stmt(`SELECT record FROM diagrams WHERE name = ? ORDER BY version`).all(name)
    ) as Row[];
    return rows.map((r) => JSON.parse(r.record) as DiagramRecord);
  }

  async listExecutions(instanceId: string): Promise<number[]> {
    const rows = this.stmt(`SELECT DISTINCT execution_id FROM history WHERE instance_id = ? ORDER BY execution_id`).all(instanceId) as Row[];
    return rows.map((r) => r.execution_id as number);
  }

  async readHistory(instanceId: string, executionId?: number): Promise<HistoryEvent[]> {
    const id = executionId ?? this.readInstance(instanceId)?.executionId;
    return id === undefined ? [] : this.readEvents(instanceId, id);
  }

  onWork(listener: (queue: QueueName) => void): () => void {
    return this.listeners.add(listener);
  }

  async takeRateLimit(req: RateLimitRequest): Promise<number> {
    const now = Date.now();
    return this.tx(() => {
      this.stmt(`DELETE FROM rate_limits WHERE key = ? AND at <= ?`).run(req.key, now - req.windowMs);
      const used = this.stmt(`SELECT COALESCE(SUM(cost), 0) AS used, COUNT(*) AS n, MIN(at) AS oldest FROM rate_limits WHERE key = ?`).get(req.key) as Row;
      if (used.used + req.cost <= req.limit || used.n === 0) {
        this.stmt(`INSERT INTO rate_limits (key, at, cost) VALUES (?, ?, ?)`).run(req.key, now, req.cost);
        return 0;
      }
      return Math.max(1, (used.oldest as number) + req.windowMs - now);
    });
  }

  // ----- internals -----

  private get db(): Database.Database {
    if (!this.database) throw new StoreError(`SqliteStore(${this.path}) is not open: call await store.init() first.`);
    return this.database;
  }

  private open(): void {
    if (this.database) return;
    checkExistingFile(this.path, this.logger);
    mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.transaction(() => {
        db.exec(`CREATE TABLE IF NOT EXISTS duroxide_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
        db.prepare(`INSERT OR IGNORE INTO duroxide_meta (key, value) VALUES ('format', ?)`).run(FORMAT_MARKER);
        const row = db.prepare(`SELECT value FROM duroxide_meta WHERE key = 'schema_version'`).get() as Row | undefined;
        const current = row ? Number(row.value) : 0;
        if (current > SQLITE_SCHEMA_VERSION) throw newerSchemaError(this.path, current);
        for (let v = current + 1; v <= SQLITE_SCHEMA_VERSION; v++) db.exec(SQLITE_MIGRATIONS[v]);
        db.prepare(`INSERT INTO duroxide_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(
          String(SQLITE_SCHEMA_VERSION),
        );
      }).immediate();
    } catch (err) {
      db.close();
      throw err;
    }
    this.database = db;
  }

  private tx<T>(fn: () => T): T {
    if (this.writes.size > 0) this.writes.flush(); // what was submitted before goes first
    return this.runInTransaction.immediate(fn) as T;
  }

  /** Runs a function in a transaction (a savepoint when one is open): prepared once. */
  private get runInTransaction() {
    return (this.transactionRunner ??= this.db.transaction((fn: () => unknown) => fn()));
  }

  private transactionRunner: Database.Transaction<(fn: () => unknown) => unknown> | null = null;

  /** Turn commits, work acks and enqueues, committed in groups (group-commit.ts). */
  private readonly writes = new GroupCommit({
    transaction: (fn) => void this.runInTransaction.immediate(fn),
    savepoint: (fn) => this.runInTransaction(fn) as ReturnType<typeof fn>,
  });


  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private insertMessage(message: OrchestratorMessage, visibleAtMs: number): void {
    this.stmt(`INSERT INTO orchestrator_queue (instance_id, message, visible_at) VALUES (?, ?, ?)`).run(
      message.instanceId,
      JSON.stringify(message),
      visibleAtMs,
    );
  }

  /** Enqueues a work item (`row`: its stored JSON), locked for the caller already when `lock` is given (fetch-on-ack). */
  private insertWork(item: WorkItem, row: string, visibleAtMs: number, lock?: { token: string; until: number }): number {
    const insert = lock
      ? this.stmt(`INSERT INTO work_queue (queue, item, visible_at, lock_token, locked_until, attempt) VALUES (?, ?, ?, ?, ?, 1)`).run(
          item.queue,
          row,
          visibleAtMs,
          lock.token,
          lock.until,
        )
      : this.stmt(`INSERT INTO work_queue (queue, item, visible_at) VALUES (?, ?, ?)`).run(item.queue, row, visibleAtMs);
    return Number(insert.lastInsertRowid);
  }

  private requireInstanceLock(lockToken: string, now: number): string {
    const row = this.stmt(`SELECT instance_id, locked_until FROM instance_locks WHERE lock_token = ?`).get(lockToken) as Row | undefined;
    if (!row || row.locked_until <= now) throw new LockLostError(lockToken, 'an orchestration item');
    return row.instance_id as string;
  }

  private readInstance(instanceId: string): InstanceInfo | null {
    const row = this.stmt(`SELECT * FROM instances WHERE instance_id = ?`).get(instanceId) as Row | undefined;
    return row ? instanceFromRow(row) : null;
  }

  private readEvents(instanceId: string, executionId: number): HistoryEvent[] {
    const rows = this.stmt(`SELECT event FROM history WHERE instance_id = ? AND execution_id = ? ORDER BY event_id`).all(instanceId, executionId) as Row[];
    return PayloadCodec.decode(
      rows.map((r) => r.event as string),
      { instanceId, executionId },
      (keys) => this.loadPayloads(keys),
    );
  }

  /** The payload nodes reachable from `keys` (hex), following `prev`. */
  private loadPayloads(keys: string[]): Map<string, PayloadNode> {
    const rows = this.stmt(
      `WITH RECURSIVE walk(key, prev, body) AS (
         SELECT key, prev, body FROM payloads WHERE key IN (SELECT unhex(value) FROM json_each(?))
         UNION SELECT p.key, p.prev, p.body FROM payloads p JOIN walk w ON p.key = w.prev)
       SELECT key, prev, body FROM walk`,
    ).all(JSON.stringify(keys)) as { key: Buffer; prev: Buffer | null; body: string }[];
    return new Map(rows.map((r) => [r.key.toString('hex'), r]));
  }

  private notify(queue: QueueName): void {
    this.listeners.notify(queue);
  }
}
