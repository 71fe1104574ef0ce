/**
 * PostgresStore: many runtime processes, on many machines, share one database.
 *
 * - Instance locks are leases in `instance_locks`, claimed with one conditional upsert; work
 *   items are claimed with `FOR UPDATE SKIP LOCKED`. No transaction is ever held open across
 *   user code: a process that dies loses nothing, its leases expire and others continue.
 * - A turn commits in one round trip (the `ack_turn` function); an activity completion in one.
 * - Idle workers LISTEN on a dedicated connection and wake on NOTIFY instead of polling hard.
 * - `takeRateLimit` counts in the database, so LLM limits hold across every process.
 *
 * `pg` is an optional peer dependency, loaded on first use.
 */
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../runtime/history.js';
import type { OrchestratorMessage, StartOrchestrationMessage, WorkItem, WorkQueueName } from '../runtime/messages.js';
import { InstanceAlreadyExistsError, LockLostError, StoreError, StoreFormatError } from './errors.js';
import { addLlmUsage, LLM_EVENT_MARK } from './llm-usage.js';
import { callerHoldsHistory, orchestrationItem } from './orchestration-item.js';
import { DEFAULT_HISTORY_WARNING_BYTES, historySizeWarning, type StoreLogger } from './history-size.js';
import { PayloadCodec, type EncodedEvents, type PayloadNode } from './payload-codec.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './postgres-schema.js';
import { instanceOrder, instanceWhere, type SqlDialect } from './sql-instance-query.js';
import { instanceColumns, instanceFromRow, lockedWorkItemFromRow, queuedMessageFromRow, type Row } from './sql-rows.js';
import type { AbandonOptions, DiagramRecord, InstanceInfo, InstancePage, InstanceQuery, InstanceStatus, KnownHistory, ListInstancesOptions, LlmUsageSummary, LockedWorkItem, OrchestrationItem, QueueName, RateLimitRequest, Store, TurnCommit } from './store.js';
import { WorkListeners } from './work-listeners.js';
import { CallBatcher } from './call-batcher.js';

export interface PostgresStoreOptions {
  /** Default: env DATABASE_URL. */
  connectionString?: string;
  /** Schema for the store's tables (default `duroxide`); created and migrated by `init()`. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
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

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }>;
  on(event: string, fn: (...args: any[]) => void): void;
  connect(): Promise<void>;
  end(): Promise<void>;
  release?(): void;
}
interface PgPool {
  query(sql: string, params?: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: string, fn: (...args: any[]) => void): void;
}
/** PostgreSQL numbers its placeholders and finds substrings with strpos(). */
const POSTGRES: SqlDialect = { placeholder: (n) => `$${n}`, contains: (column, p) => `strpos(${column}, ${p}) > 0` };

type PgModule = { default: { Pool: new (cfg: Record<string, unknown>) => PgPool; Client: new (cfg: Record<string, unknown>) => PgClient } };

export class PostgresStore implements Store {
  readonly schema: string;
  private readonly connectionString: string;
  private readonly max: number;
  private pool: PgPool | null = null;
  private listener: PgClient | null = null;
  private readonly listeners = new WorkListeners();
  private opening: Promise<void> | null = null;
  private closed = false;
  private readonly s: string;
  private readonly channel: string;
  private readonly logger: StoreLogger;
  private readonly codec: PayloadCodec;
  private readonly historyWarningBytes: number;

  constructor(opts: PostgresStoreOptions = {}) {
    const cs = opts.connectionString ?? process.env.DATABASE_URL;
    if (!cs) throw new StoreError('PostgresStore needs a connection string: pass { connectionString } or set DATABASE_URL.');
    this.connectionString = cs;
    this.schema = opts.schema ?? 'duroxide';
    if (!/^[a-z_][a-z0-9_]{0,50}$/.test(this.schema)) {
      throw new StoreError(`PostgresStore schema "${this.schema}" must be a lowercase SQL identifier (letters, digits, _).`);
    }
    this.s = `"${this.schema}"`;
    this.channel = `duroxide_${this.schema}`;
    this.max = opts.max ?? 10;
    this.logger = opts.logger ?? { warn: (m) => console.warn(m) };
    this.codec = new PayloadCodec(opts.payloadThresholdBytes);
    this.historyWarningBytes = opts.historyWarningBytes ?? DEFAULT_HISTORY_WARNING_BYTES;
  }

  init(): Promise<void> {
    return (this.opening ??= this.open().catch((err) => {
      this.opening = null;
      throw err;
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const listener = this.listener;
    const pool = this.pool;
    this.listener = null;
    this.pool = null;
    this.opening = null;
    await listener?.end().catch(() => {});
    await pool?.end().catch(() => {});
  }

  // ----- client side -----

  async createInstance(start: StartOrchestrationMessage): Promise<void> {
    const now = Date.now();
    const r = await this.q(
      `WITH ins AS (
         INSERT INTO ${this.s}.instances (instance_id, name, status, execution_id, parent_instance_id, created_at, updated_at)
         VALUES ($1, $2, 'Pending', 0, $3, $4, $4) ON CONFLICT (instance_id) DO NOTHING RETURNING instance_id),
       msg AS (INSERT INTO ${this.s}.orchestrator_queue (instance_id, message, visible_at) SELECT instance_id, $5, $4 FROM ins RETURNING 1)
       SELECT (SELECT count(*) FROM ins) AS created, (SELECT count(*) FROM msg) AS queued, pg_notify($6, 'orchestrator')`,
      [start.instanceId, start.name, start.parentInstanceId ?? null, now, JSON.stringify(start), this.channel],
    );
    if (Number(r.rows[0].created) === 0) throw new InstanceAlreadyExistsError(start.instanceId);
  }

  async enqueueOrchestratorMessage(message: OrchestratorMessage, opts?: { visibleAtMs?: number }): Promise<void> {
    await this.q(`INSERT INTO ${this.s}.orchestrator_queue (instance_id, message, visible_at) VALUES ($1, $2, $3); `, [
      message.instanceId,
      JSON.stringify(message),
      opts?.visibleAtMs ?? Date.now(),
    ]);
    await this.q(`SELECT pg_notify($1, 'orchestrator')`, [this.channel]);
  }

  async enqueueWorkItem(item: WorkItem, opts?: { visibleAtMs?: number }): Promise<void> {
    await this.q(`INSERT INTO ${this.s}.work_queue (queue, item, visible_at) VALUES ($1, $2, $3)`, [item.queue, JSON.stringify(item), opts?.visibleAtMs ?? Date.now()]);
    await this.q(`SELECT pg_notify($1, $2)`, [this.channel, item.queue]);
  }

  // ----- orchestrator queue -----

  async fetchOrchestrationItem(lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null> {
    const now = Date.now();
    const token = randomUUID();
    const r = await this.q(`SELECT * FROM ${this.s}.fetch_orchestration($1, $2, $3)`, [now, now + lockMs, token]);
    return r.rows[0] ? this.toItem(r.rows[0], token, opts) : null;
  }

  /** An orchestration item from a fetch/claim row: messages, instance row, last event id. */
  private async toItem(row: Row, token: string, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem> {
    const messages = (row.o_ids as string[]).map((id, i) => queuedMessageFromRow(id, row.o_messages[i], row.o_attempts[i]));
    const instance = row.o_instance_row ? instanceFromRow(JSON.parse(row.o_instance_row)) : null;
    const instanceId = (instance?.instanceId ?? messages[0].message.instanceId) as string;
    const executionId = instance?.executionId ?? 0;
    // The common case, a cached orchestration whose history we already hold: no history read.
    const omit = callerHoldsHistory(opts?.knownHistory, instanceId, executionId, () => row.o_last_event);
    const history = omit ? 'omitted' : row.o_last_event === null ? [] : await this.readEvents(instanceId, executionId);
    return orchestrationItem(instanceId, token, messages, instance, history);
  }

  async ackOrchestrationItem(lockToken: string, commit: TurnCommit): Promise<void> {
    await this.ackTurn(lockToken, commit, 0, 0);
  }

  async ackOrchestrationItemAndLockWork(lockToken: string, commit: TurnCommit, lockMs: number, maxWorkItems: number): Promise<LockedWorkItem[]> {
    const row = await this.ackTurn(lockToken, commit, maxWorkItems, Date.now() + lockMs);
    return Promise.all(
      ((row.o_ids as string[] | null) ?? []).map(async (id, i) => lockedWorkItemFromRow(id, row.o_tokens[i], await this.decodeWorkItem(row.o_items[i]), row.o_attempts[i])),
    );
  }

  private async ackTurn(lockToken: string, commit: TurnCommit, lockWork: number, lockUntil: number): Promise<Row> {
    // Payload nodes are never deleted, so the probe for stored prefixes may run before the turn's transaction.
    const plan = this.codec.plan(commit.historyDelta);
    const encoded = plan.finish(await this.existingPayloads(plan.probe));
    const done = (row: Row) => {
      encoded.committed();
      if (row.o_warn) this.logger.warn(...historySizeWarning(row.o_instance, commit.executionId, Number(row.o_history_bytes), this.historyWarningBytes));
      return row;
    };
    if (!commit.cancelledWork?.length && !commit.cancelledTimers?.length) {
      return done(await this.turnCommits.call(this.ackTurnArgs(lockToken, commit, encoded, lockWork, lockUntil)));
    }
    // Rare: the turn cancelled earlier work (race losers). Commit and delete in one transaction.
    const client = await this.pool!.connect();
    try {
      await client.query('BEGIN');
      const row = await this.ackTurnWith((sql, p) => client.query(sql, p), this.ackTurnArgs(lockToken, commit, encoded, lockWork, lockUntil));
      await this.deleteCancelled(client, row.o_instance as string, commit);
      await client.query('COMMIT');
      return done(row);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release?.();
    }
  }

  /** The work and timers of schedules the turn cancelled; JSON is read here, which is fine for a rare path. */
  private async deleteCancelled(client: { query: (sql: string, p?: unknown[]) => Promise<unknown> }, instanceId: string, commit: TurnCommit): Promise<void> {
    if (commit.cancelledWork?.length) {
      await client.query(
        `DELETE FROM ${this.s}.work_queue WHERE (item::jsonb->>'instanceId') = $1 AND (item::jsonb->>'executionId')::int = $2
           AND (item::jsonb->>'eventId')::int = ANY($3::int[])`,
        [instanceId, commit.executionId, commit.cancelledWork],
      );
    }
    if (commit.cancelledTimers?.length) {
      await client.query(
        `DELETE FROM ${this.s}.orchestrator_queue WHERE instance_id = $1 AND (message::jsonb->>'kind') = 'TimerFired'
           AND (message::jsonb->>'executionId')::int = $2 AND (message::jsonb->>'sourceEventId')::int = ANY($3::int[])`,
        [instanceId, commit.executionId, commit.cancelledTimers],
      );
    }
  }

  private async ackTurnWith(query: (sql: string, params: unknown[]) => Promise<{ rows: Row[] }>, args: unknown[]): Promise<Row> {
    let row: Row;
    try {
      row = (await query(ACK_TURN_SQL(this.s), args)).rows[0];
    } catch (err) {
      throw ackTurnError(err, args);
    }
    return checkedAckTurnRow(row, args);
  }

  /** The arguments of `ack_turn`, in order (a batch sends them as a JSON array). */
  private ackTurnArgs(lockToken: string, commit: TurnCommit, encoded: EncodedEvents, lockWork: number, lockUntil: number): unknown[] {
    const i = instanceColumns(commit.instance);
    const now = Date.now();
    return [
      lockToken,
      now,
      commit.executionId,
      commit.historyDelta.map((e) => e.eventId),
      encoded.rows,
      i.name,
      i.version,
      i.status,
      i.output,
      i.error,
      i.customStatus,
      i.parent,
      commit.workItems.map((w) => w.queue),
      commit.workItems.map((w) => encoded.workItemRow(w)),
      commit.orchestratorMessages.map((m) => m.message.instanceId),
      commit.orchestratorMessages.map((m) => JSON.stringify(m.message)),
      commit.orchestratorMessages.map((m) => m.visibleAtMs ?? now),
      this.channel,
      lockWork,
      lockUntil,
      encoded.nodes.map((n) => n.key),
      encoded.nodes.map((n) => n.prev),
      encoded.nodes.map((n) => n.body),
      encoded.plainLength,
      this.historyWarningBytes,
    ];
  }

  /** Turn commits of many instances in one round trip (group commit). */
  private readonly turnCommits = new CallBatcher<unknown[], Row>({
    one: (args) => this.ackTurnWith((sql, p) => this.q(sql, p), args),
    many: (calls) => this.batch('ack_turns', calls, (row, args) => checkedAckTurnRow(row, args), ackTurnError),
  });

  /** Work acks that claim their instance, many in one round trip (group commit). */
  private readonly workAcks = new CallBatcher<unknown[], Row>({
    one: async (args) => (await this.q(`SELECT * FROM ${this.s}.ack_work_and_claim($1, $2, $3, $4, $5, $6, $7)`, args)).rows[0],
    many: (calls) => this.batch('ack_works_and_claim', calls, (row) => row, (err) => err as Error),
  });

  /** Runs `fn`'s calls through its batch function; each result row checked, each failure mapped. */
  private async batch(fn: string, calls: unknown[][], check: (row: Row, args: unknown[]) => Row, mapError: (err: unknown, args: unknown[]) => Error): Promise<(Row | Error)[]> {
    const r = await this.q(`SELECT * FROM ${this.s}.${fn}($1::text[])`, [calls.map((args) => JSON.stringify(args.map(jsonArgument)))]);
    return r.rows.map((row, i) => {
      if (row.o_code !== null) return mapError(Object.assign(new Error(row.o_error as string), { code: row.o_code as string }), calls[i]);
      try {
        return check(JSON.parse(row.o_row as string) as Row, calls[i]);
      } catch (err) {
        return err as Error;
      }
    });
  }

  /** Which of `keys` the payloads table holds (hex). No query when there is nothing to probe. */
  private async existingPayloads(keys: Buffer[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const r = await this.q(`SELECT key FROM ${this.s}.payloads WHERE key = ANY($1::bytea[])`, [keys]);
    return new Set(r.rows.map((row) => (row.key as Buffer).toString('hex')));
  }

  async abandonOrchestrationItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const now = Date.now();
    const r = await this.q(
      `WITH lock AS (DELETE FROM ${this.s}.instance_locks WHERE lock_token = $1 AND locked_until > $2 RETURNING instance_id),
       upd AS (UPDATE ${this.s}.orchestrator_queue SET lock_token = NULL, visible_at = GREATEST(visible_at, $3),
                 attempt = GREATEST(0, attempt - $5::int)
               WHERE lock_token = $1 AND EXISTS (SELECT 1 FROM lock) RETURNING 1)
       SELECT (SELECT count(*) FROM lock) AS released, (SELECT count(*) FROM upd) AS n, pg_notify($4, 'orchestrator')`,
      [lockToken, now, now + (opts?.delayMs ?? 0), this.channel, opts?.countAttempt === false ? 1 : 0],
    );
    if (Number(r.rows[0].released) === 0) throw new LockLostError(lockToken, 'an orchestration item');
  }

  async renewOrchestrationLock(lockToken: string, lockMs: number): Promise<void> {
    const now = Date.now();
    const r = await this.q(`UPDATE ${this.s}.instance_locks SET locked_until = $1 WHERE lock_token = $2 AND locked_until > $3`, [now + lockMs, lockToken, now]);
    if (r.rowCount === 0) throw new LockLostError(lockToken, 'an orchestration item');
  }

  // ----- work queue -----

  async fetchWorkItem(queue: WorkQueueName, lockMs: number): Promise<LockedWorkItem | null> {
    const now = Date.now();
    const token = randomUUID();
    const r = await this.q(
      `UPDATE ${this.s}.work_queue SET lock_token = $1, locked_until = $2, attempt = attempt + 1
       WHERE id = (SELECT id FROM ${this.s}.work_queue WHERE queue = $3 AND visible_at <= $4 AND locked_until <= $4
                   ORDER BY visible_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id, item, attempt`,
      [token, now + lockMs, queue, now],
    );
    const row = r.rows[0];
    return row ? lockedWorkItemFromRow(row.id, token, await this.decodeWorkItem(row.item), row.attempt) : null;
  }

  async ackWorkItem(lockToken: string, completion: OrchestratorMessage | null): Promise<void> {
    const now = Date.now();
    const r = await this.q(
      `WITH del AS (DELETE FROM ${this.s}.work_queue WHERE lock_token = $1 AND locked_until > $2 RETURNING id),
       ins AS (INSERT INTO ${this.s}.orchestrator_queue (instance_id, message, visible_at)
               SELECT $3, $4, $2 FROM del WHERE $4::text IS NOT NULL RETURNING 1)
       SELECT (SELECT count(*) FROM del) AS deleted, (SELECT count(*) FROM ins) AS queued,
              CASE WHEN (SELECT count(*) FROM ins) > 0 THEN pg_notify($5, 'orchestrator') END`,
      [lockToken, now, completion?.instanceId ?? null, completion ? JSON.stringify(completion) : null, this.channel],
    );
    if (Number(r.rows[0].deleted) === 0) throw new LockLostError(lockToken, 'a work item');
  }

  async ackWorkItemAndLockInstance(lockToken: string, completion: OrchestratorMessage, lockMs: number, opts?: { knownHistory?: KnownHistory }): Promise<OrchestrationItem | null> {
    const now = Date.now();
    const token = randomUUID();
    const row = await this.workAcks.call([lockToken, now, completion.instanceId, JSON.stringify(completion), now + lockMs, token, this.channel]);
    if (!row.o_acked) throw new LockLostError(lockToken, 'a work item');
    return row.o_ids ? this.toItem(row, token, opts) : null;
  }

  async abandonWorkItem(lockToken: string, opts?: AbandonOptions): Promise<void> {
    const now = Date.now();
    const r = await this.q(
      `UPDATE ${this.s}.work_queue SET lock_token = NULL, locked_until = 0, visible_at = $1, attempt = GREATEST(0, attempt - $4::int)
       WHERE lock_token = $2 AND locked_until > $3`,
      [now + (opts?.delayMs ?? 0), lockToken, now, opts?.countAttempt === false ? 1 : 0],
    );
    if (r.rowCount === 0) throw new LockLostError(lockToken, 'a work item');
  }

  async renewWorkItemLock(lockToken: string, lockMs: number): Promise<void> {
    const now = Date.now();
    const r = await this.q(`UPDATE ${this.s}.work_queue SET locked_until = $1 WHERE lock_token = $2 AND locked_until > $3`, [now + lockMs, lockToken, now]);
    if (r.rowCount === 0) throw new LockLostError(lockToken, 'a work item');
  }

  // ----- reads -----

  async getInstance(instanceId: string): Promise<InstanceInfo | null> {
    const r = await this.q(`SELECT * FROM ${this.s}.instances WHERE instance_id = $1`, [instanceId]);
    return r.rows[0] ? instanceFromRow(r.rows[0]) : null;
  }

  async listInstances(opts: ListInstancesOptions = {}): Promise<InstanceInfo[]> {
    const r = await this.q(
      `SELECT * FROM ${this.s}.instances WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR name = $2)
       ORDER BY created_at, instance_id LIMIT $3 OFFSET $4`,
      [opts.status ?? null, opts.name ?? null, opts.limit ?? null, opts.offset ?? 0],
    );
    return r.rows.map(instanceFromRow);
  }

  async queryInstances(q: InstanceQuery): Promise<InstancePage> {
    const { where, args } = instanceWhere(q, POSTGRES, { status: true });
    const n = args.length;
    const [page, count] = await Promise.all([
      this.q(`SELECT * FROM ${this.s}.instances ${where} ORDER BY ${instanceOrder(q)} LIMIT $${n + 1} OFFSET $${n + 2}`, [...args, q.limit ?? null, q.offset ?? 0]),
      this.q(`SELECT COUNT(*)::bigint AS n FROM ${this.s}.instances ${where}`, args),
    ]);
    return { instances: page.rows.map(instanceFromRow), total: Number(count.rows[0].n) };
  }

  async countInstancesByStatus(q: Omit<InstanceQuery, 'status' | 'limit' | 'offset' | 'orderBy'> = {}): Promise<Partial<Record<InstanceStatus, number>>> {
    const { where, args } = instanceWhere(q, POSTGRES, { status: false });
    const r = await this.q(`SELECT status, COUNT(*)::bigint AS n FROM ${this.s}.instances ${where} GROUP BY status`, args);
    return Object.fromEntries(r.rows.map((row) => [row.status, Number(row.n)]));
  }

  async summarizeLlmUsage(instanceIds: string[]): Promise<Record<string, LlmUsageSummary>> {
    const out: Record<string, LlmUsageSummary> = {};
    if (!instanceIds.length) return out;
    const r = await this.q(`SELECT instance_id, event FROM ${this.s}.history WHERE instance_id = ANY($1::text[]) AND strpos(event, $2) > 0`, [instanceIds, LLM_EVENT_MARK]);
    for (const row of r.rows) addLlmUsage(out, row.instance_id, JSON.parse(row.event) as HistoryEvent);
    return out;
  }

  async putDiagram(record: DiagramRecord): Promise<void> {
    await this.q(
      `INSERT INTO ${this.s}.diagrams (name, version, record) VALUES ($1, $2, $3) ON CONFLICT (name, version) DO UPDATE SET record = EXCLUDED.record`,
      [record.name, record.version, JSON.stringify(record)],
    );
  }

  async listDiagrams(name?: string): Promise<DiagramRecord[]> {
    const r = await this.q(`SELECT record FROM ${this.s}.diagrams WHERE ($1::text IS NULL OR name = $1) ORDER BY name, version`, [name ?? null]);
    return r.rows.map((row) => JSON.parse(row.record) as DiagramRecord);
  }

  async listExecutions(instanceId: string): Promise<number[]> {
    const r = await this.q(`SELECT DISTINCT execution_id FROM ${this.s}.history WHERE instance_id = $1 ORDER BY execution_id`, [instanceId]);
    return r.rows.map((row) => Number(row.execution_id));
  }

  async readHistory(instanceId: string, executionId?: number): Promise<HistoryEvent[]> {
    const id = executionId ?? (await this.getInstance(instanceId))?.executionId;
    return id === undefined ? [] : this.readEvents(instanceId, id);
  }

  onWork(listener: (queue: QueueName) => void): () => void {
    return this.listeners.add(listener);
  }

  async takeRateLimit(req: RateLimitRequest): Promise<number> {
    const r = await this.q(`SELECT ${this.s}.take_rate_limit($1, $2, $3, $4, $5) AS wait`, [req.key, req.limit, req.windowMs, req.cost, Date.now()]);
    return Number(r.rows[0].wait);
  }

  // ----- internals -----

  private async readEvents(instanceId: string, executionId: number): Promise<HistoryEvent[]> {
    const r = await this.q(`SELECT event FROM ${this.s}.history WHERE instance_id = $1 AND execution_id = $2 ORDER BY event_id`, [instanceId, executionId]);
    return PayloadCodec.decode(
      r.rows.map((row) => row.event as string),
      { instanceId, executionId },
      (keys) => this.loadPayloads(keys),
    );
  }

  private async decodeWorkItem(row: string): Promise<WorkItem> {
    return this.codec.decodeWorkItem<WorkItem>(row, (keys) => this.loadPayloads(keys));
  }

  /** The payload nodes reachable from `keys` (hex), following `prev`, in one query. */
  private async loadPayloads(keys: string[]): Promise<Map<string, PayloadNode>> {
    const r = await this.q(
      `WITH RECURSIVE walk(key, prev, body) AS (
         SELECT key, prev, body FROM ${this.s}.payloads WHERE key = ANY($1::bytea[])
         UNION SELECT p.key, p.prev, p.body FROM ${this.s}.payloads p JOIN walk w ON p.key = w.prev)
       SELECT key, prev, body FROM walk`,
      [keys.map((k) => Buffer.from(k, 'hex'))],
    );
    return new Map(r.rows.map((row) => [(row.key as Buffer).toString('hex'), row as PayloadNode]));
  }

  private async q(sql: string, params?: unknown[]) {
    if (!this.pool) throw new StoreError('PostgresStore is not open: call await store.init() first.');
    return this.pool.query(sql, params);
  }

  private async open(): Promise<void> {
    let pg: PgModule;
    try {
      pg = (await import('pg')) as unknown as PgModule;
    } catch {
      throw new StoreError('PostgresStore needs the "pg" package. Install it: npm install pg');
    }
    this.closed = false;
    const pool = new pg.default.Pool({ connectionString: this.connectionString, max: this.max });
    pool.on('error', () => {}); // idle client errors surface on the next query
    try {
      await this.migrate(pool);
    } catch (err) {
      await pool.end().catch(() => {});
      throw this.describeConnectError(err);
    }
    this.pool = pool;
    await this.listen(pg);
  }

  private async migrate(pool: PgPool): Promise<void> {
    const client = await pool.connect();
    try {
      // Many processes may start at once: one migrates, the others wait for it.
      await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`duroxide-migrate:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
      const row = (await client.query(`SELECT value FROM ${this.s}.meta WHERE key = 'schema_version'`)).rows[0];
      const current = row ? Number(row.value) : 0;
      if (current > PG_SCHEMA_VERSION) {
        throw new StoreFormatError(
          `Schema "${this.schema}" was written by a newer duroxide-llm (schema ${current}, this version knows ${PG_SCHEMA_VERSION}). ` +
            'Upgrade duroxide-llm; nothing was changed.',
        );
      }
      for (let v = current + 1; v <= PG_SCHEMA_VERSION; v++) {
        await client.query('BEGIN');
        await client.query(PG_MIGRATIONS[v].replaceAll('{{s}}', this.s));
        await client.query(
          `INSERT INTO ${this.s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(v)],
        );
        await client.query('COMMIT');
      }
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`duroxide-migrate:${this.schema}`]).catch(() => {});
      client.release?.();
    }
  }

  /** A dedicated connection for LISTEN, reconnected if it drops. */
  private async listen(pg: PgModule): Promise<void> {
    const client = new pg.default.Client({ connectionString: this.connectionString });
    client.on('notification', (n: { payload?: string }) => {
      this.listeners.notify((n.payload ?? 'orchestrator') as QueueName);
    });
    client.on('error', () => {});
    client.on('end', () => {
      if (this.closed || this.listener !== client) return;
      this.listener = null;
      setTimeout(() => void this.listen(pg).catch(() => {}), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.listener = client;
  }

  private describeConnectError(err: unknown): Error {
    if (err instanceof StoreError) return err;
    const e = err as { code?: string; message?: string };
    const target = safeTarget(this.connectionString);
    switch (e.code) {
      case 'ECONNREFUSED':
      case 'ENOTFOUND':
      case 'ETIMEDOUT':
        return new StoreError(`Cannot reach PostgreSQL at ${target} (${e.code}). Is the server running? Check DATABASE_URL.`);
      case '28P01':
      case '28000':
        return new StoreError(`PostgreSQL at ${target} refused the credentials (${e.message}). Check the user and password in DATABASE_URL.`);
      case '3D000':
        return new StoreError(`PostgreSQL at ${target}: ${e.message}. Create the database or fix DATABASE_URL.`);
      default:
        return new StoreError(`PostgreSQL at ${target} failed during setup: ${e.message ?? String(err)}`);
    }
  }
}

/** The connection target without its password. */
function safeTarget(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    return `${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparsable connection string)';
  }
}

const ACK_TURN_SQL = (schema: string) =>
  `SELECT * FROM ${schema}.ack_turn(${Array.from({ length: 25 }, (_, i) => `$${i + 1}`).join(', ')})`;

/** A turn whose lock is gone writes nothing and returns no instance. */
function checkedAckTurnRow(row: Row, args: unknown[]): Row {
  if (row.o_instance === null) throw new LockLostError(args[0] as string, 'an orchestration item');
  return row;
}

function ackTurnError(err: unknown, args: unknown[]): Error {
  if ((err as { code?: string }).code === '23505') {
    return new StoreError(`An event id of this turn already exists in execution ${args[2] as number}; nothing was written.`);
  }
  return err as Error;
}

/** A function argument as JSON for a batch: bytea (Buffers) as hex. */
function jsonArgument(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (Array.isArray(v)) return v.map(jsonArgument);
  return v;
}
