/**
 * The PostgreSQL schema of PostgresStore, as versioned migrations. `{{s}}` is replaced by
 * the quoted schema name. JSON is kept in `text` columns: `jsonb` cannot hold `\u0000`.
 */
export const PG_SCHEMA_VERSION = 7;

// Pieces of PL/pgSQL that functions of several migrations share. A migration's text must not
// change once released: change a piece only together with a new migration that replaces the
// functions using it, and keep the old text for the old migrations.

/** The parameters of every `ack_turn` version: the lease, the history delta, the instance row, new work and messages. */
const ACK_TURN_PARAMS = `
      p_token text, p_now bigint, p_execution integer,
      p_event_ids integer[], p_events text[],
      p_name text, p_version text, p_status text, p_output text, p_error text, p_custom text, p_parent text,
      p_work_queues text[], p_work_items text[],
      p_msg_instances text[], p_msgs text[], p_msg_visible bigint[], p_channel text`;

/** A turn's writes once its lease is verified: history, instance row, consumed messages, released lock. */
const commitTurnRows = (instance: string) => `
      INSERT INTO {{s}}.history (instance_id, execution_id, event_id, event)
        SELECT ${instance}, p_execution, e.id, e.body FROM unnest(p_event_ids, p_events) AS e(id, body);
      INSERT INTO {{s}}.instances AS i (instance_id, name, version, status, execution_id, output, error, custom_status, parent_instance_id, created_at, updated_at)
        VALUES (${instance}, p_name, p_version, p_status, p_execution, p_output, p_error, p_custom, p_parent, p_now, p_now)
        ON CONFLICT (instance_id) DO UPDATE SET name = p_name, version = p_version, status = p_status,
          execution_id = GREATEST(i.execution_id, p_execution), output = p_output, error = p_error,
          custom_status = p_custom, parent_instance_id = p_parent, updated_at = p_now;
      DELETE FROM {{s}}.orchestrator_queue WHERE lock_token = p_token;
      DELETE FROM {{s}}.instance_locks WHERE lock_token = p_token;`;

/** The argument types of the `ack_turn` of migration 3, which migration 5 replaces. */
const ACK_TURN_PARAMS_V3_TYPES =
  'text, bigint, integer, integer[], text[], text, text, text, text, text, text, text, text[], text[], text[], text[], bigint[], text, integer, bigint';

/** The argument types of the `ack_turn` of migration 5, which migration 6 replaces. */
const ACK_TURN_PARAMS_V5_TYPES = `${ACK_TURN_PARAMS_V3_TYPES}, bytea[], bytea[], text[], bigint, bigint`;

/** The turn's orchestrator messages (to itself, children, parents), each with its visibility time. */
const ENQUEUE_TURN_MESSAGES = `
      INSERT INTO {{s}}.orchestrator_queue (instance_id, message, visible_at)
        SELECT m.inst, m.body, m.vis FROM unnest(p_msg_instances, p_msgs, p_msg_visible) AS m(inst, body, vis);`;

/** Wakes listeners: each queue that got work when `wakeWorkers` holds, the orchestrator when the turn sent messages. */
const notifyAfterTurn = (wakeWorkers: string) => `
      IF ${wakeWorkers} THEN
        PERFORM pg_notify(p_channel, q) FROM (SELECT DISTINCT unnest(p_work_queues) AS q) AS qs;
      END IF;
      IF array_length(p_msgs, 1) > 0 THEN
        PERFORM pg_notify(p_channel, 'orchestrator');
      END IF;`;

/** Takes the lease of `instance` unless a live one exists; `v_claimed` is NULL when it did not. */
const claimInstance = (instance: string, token: string) => `
      INSERT INTO {{s}}.instance_locks AS l (instance_id, lock_token, locked_until) VALUES (${instance}, ${token}, p_until)
        ON CONFLICT (instance_id) DO UPDATE SET lock_token = excluded.lock_token, locked_until = excluded.locked_until
        WHERE l.locked_until <= p_now
        RETURNING l.instance_id INTO v_claimed;`;

/** Locks the visible messages of `v_claimed` (counting the attempt) into o_ids, o_messages, o_attempts. */
const lockClaimedMessages = (token: string) => `
      WITH upd AS (
        UPDATE {{s}}.orchestrator_queue q SET attempt = q.attempt + 1, lock_token = ${token}
        WHERE q.instance_id = v_claimed AND q.visible_at <= p_now
        RETURNING q.id, q.message, q.attempt)
      SELECT array_agg(upd.id ORDER BY upd.id), array_agg(upd.message ORDER BY upd.id), array_agg(upd.attempt ORDER BY upd.id)
        INTO o_ids, o_messages, o_attempts FROM upd;`;

/** The instance row of `v_claimed` and the last event id of its current execution (NULL: no history yet). */
const READ_CLAIMED_INSTANCE = `
      SELECT row_to_json(i)::text INTO o_instance_row FROM {{s}}.instances i WHERE i.instance_id = v_claimed;
      SELECT MAX(h.event_id) INTO o_last_event FROM {{s}}.history h
        WHERE h.instance_id = v_claimed
          AND h.execution_id = COALESCE((SELECT i.execution_id FROM {{s}}.instances i WHERE i.instance_id = v_claimed), 0);`;

/** Migrations 3 and 5: the turn's new work, then the first `p_lock_work` activities locked for the caller (fetch-on-ack). */
const INSERT_THEN_LOCK_WORK = `      WITH ins AS (
        INSERT INTO {{s}}.work_queue (queue, item, visible_at)
        SELECT w.q, w.item, p_now FROM unnest(p_work_queues, p_work_items) AS w(q, item)
        RETURNING id, queue)
      SELECT array_agg(ins.id ORDER BY ins.id) FILTER (WHERE ins.queue = 'activity') INTO v_activity_ids FROM ins;
      IF p_lock_work > 0 AND v_activity_ids IS NOT NULL THEN
        WITH locked AS (
          UPDATE {{s}}.work_queue w SET lock_token = gen_random_uuid()::text, locked_until = p_lock_until, attempt = w.attempt + 1
          WHERE w.id = ANY (v_activity_ids[1:p_lock_work])
          RETURNING w.id, w.item, w.attempt, w.lock_token)
        SELECT array_agg(locked.id ORDER BY locked.id), array_agg(locked.item ORDER BY locked.id),
               array_agg(locked.attempt ORDER BY locked.id), array_agg(locked.lock_token ORDER BY locked.id)
          INTO o_ids, o_items, o_attempts, o_tokens FROM locked;
      END IF;`;

/**
 * A batch wrapper (migration 6): runs `call` once per element of `p_calls` (the JSON array of
 * its arguments, as `c`), each in its own subtransaction; one row per call: its result row as
 * JSON, or the error's SQLSTATE and message.
 */
const batchFunction = (name: string, call: string) => `
    CREATE FUNCTION {{s}}.${name}(p_calls text[])
    RETURNS TABLE (o_row text, o_code text, o_error text)
    LANGUAGE plpgsql AS $$
    DECLARE
      c jsonb;
      t text;
    BEGIN
      FOREACH t IN ARRAY p_calls LOOP
        c := t::jsonb;
        o_row := NULL; o_code := NULL; o_error := NULL;
        BEGIN
          SELECT row_to_json(r)::text INTO o_row FROM ${call} AS r;
        EXCEPTION WHEN OTHERS THEN
          o_code := SQLSTATE;
          o_error := SQLERRM;
        END;
        RETURN NEXT;
      END LOOP;
    END $$;`;

/** The `ack_turn` signature of migrations 5 and 6 (payloads and the history size): the same function, rewritten. */
const ACK_TURN_V5_SIGNATURE = `    CREATE FUNCTION {{s}}.ack_turn(${ACK_TURN_PARAMS},
      p_lock_work integer, p_lock_until bigint,
      p_payload_keys bytea[], p_payload_prevs bytea[], p_payload_bodies text[], p_history_bytes bigint, p_warn_bytes bigint
    ) RETURNS TABLE (o_instance text, o_ids bigint[], o_items text[], o_attempts integer[], o_tokens text[], o_history_bytes bigint, o_warn boolean)
    LANGUAGE plpgsql AS $$`;

export const PG_MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE {{s}}.instances (
      instance_id text PRIMARY KEY,
      name text NOT NULL,
      version text,
      status text NOT NULL,
      execution_id integer NOT NULL DEFAULT 0,
      output text,
      error text,
      custom_status text,
      parent_instance_id text,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    CREATE INDEX instances_by_status ON {{s}}.instances (status, created_at);
    CREATE INDEX instances_by_created ON {{s}}.instances (created_at, instance_id);
    CREATE TABLE {{s}}.history (
      instance_id text NOT NULL,
      execution_id integer NOT NULL,
      event_id integer NOT NULL,
      event text NOT NULL,
      PRIMARY KEY (instance_id, execution_id, event_id)
    );
    CREATE TABLE {{s}}.orchestrator_queue (
      id bigserial PRIMARY KEY,
      instance_id text NOT NULL,
      message text NOT NULL,
      visible_at bigint NOT NULL,
      attempt integer NOT NULL DEFAULT 0,
      lock_token text
    );
    CREATE INDEX orchestrator_queue_visible ON {{s}}.orchestrator_queue (visible_at, id);
    CREATE INDEX orchestrator_queue_instance ON {{s}}.orchestrator_queue (instance_id, id);
    CREATE INDEX orchestrator_queue_lock ON {{s}}.orchestrator_queue (lock_token);
    CREATE TABLE {{s}}.instance_locks (
      instance_id text PRIMARY KEY,
      lock_token text NOT NULL UNIQUE,
      locked_until bigint NOT NULL
    );
    CREATE TABLE {{s}}.work_queue (
      id bigserial PRIMARY KEY,
      queue text NOT NULL,
      item text NOT NULL,
      visible_at bigint NOT NULL,
      attempt integer NOT NULL DEFAULT 0,
      lock_token text UNIQUE,
      locked_until bigint NOT NULL DEFAULT 0
    );
    CREATE INDEX work_queue_fetch ON {{s}}.work_queue (queue, visible_at, id);
    CREATE TABLE {{s}}.rate_limits (key text NOT NULL, at bigint NOT NULL, cost double precision NOT NULL);
    CREATE INDEX rate_limits_by_key ON {{s}}.rate_limits (key, at);

    -- One round trip per turn commit: verify the lease, append history, upsert the instance,
    -- consume the messages, enqueue new work, release the lock, wake listeners.
    CREATE FUNCTION {{s}}.ack_turn(${ACK_TURN_PARAMS}
    ) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      v_instance text;
    BEGIN
      SELECT instance_id INTO v_instance FROM {{s}}.instance_locks
        WHERE lock_token = p_token AND locked_until > p_now FOR UPDATE;
      IF v_instance IS NULL THEN
        RETURN NULL;
      END IF;
${commitTurnRows('v_instance')}
      INSERT INTO {{s}}.work_queue (queue, item, visible_at)
        SELECT w.q, w.item, p_now FROM unnest(p_work_queues, p_work_items) AS w(q, item);
${ENQUEUE_TURN_MESSAGES}
${notifyAfterTurn('array_length(p_work_queues, 1) > 0')}
      RETURN v_instance;
    END $$;

    -- A sliding window shared by every process on the database.
    CREATE FUNCTION {{s}}.take_rate_limit(p_key text, p_limit double precision, p_window bigint, p_cost double precision, p_now bigint)
    RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
      v_used double precision;
      v_count bigint;
      v_oldest bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('duroxide-rate:' || p_key));
      DELETE FROM {{s}}.rate_limits WHERE key = p_key AND at <= p_now - p_window;
      SELECT COALESCE(SUM(cost), 0), COUNT(*), MIN(at) INTO v_used, v_count, v_oldest FROM {{s}}.rate_limits WHERE key = p_key;
      IF v_used + p_cost <= p_limit OR v_count = 0 THEN
        INSERT INTO {{s}}.rate_limits (key, at, cost) VALUES (p_key, p_now, p_cost);
        RETURN 0;
      END IF;
      RETURN GREATEST(1, v_oldest + p_window - p_now);
    END $$;
  `,
  2: `
    -- One round trip per fetch: pick an instance with visible messages and no live lease,
    -- claim it, lock its messages, and return them with the instance row and last event id.
    CREATE FUNCTION {{s}}.fetch_orchestration(p_now bigint, p_until bigint, p_token text)
    RETURNS TABLE (o_instance text, o_ids bigint[], o_messages text[], o_attempts integer[], o_instance_row text, o_last_event integer)
    LANGUAGE plpgsql AS $$
    DECLARE
      c record;
      v_seen text[] := '{}';
      v_claimed text;
    BEGIN
      FOR c IN
        SELECT q.instance_id FROM {{s}}.orchestrator_queue q
        LEFT JOIN {{s}}.instance_locks l ON l.instance_id = q.instance_id
        WHERE q.visible_at <= p_now AND (l.locked_until IS NULL OR l.locked_until <= p_now)
        ORDER BY q.visible_at, q.id LIMIT 16
      LOOP
        CONTINUE WHEN c.instance_id = ANY (v_seen);
        v_seen := v_seen || c.instance_id;
        v_claimed := NULL;
${claimInstance('c.instance_id', 'p_token')}
        CONTINUE WHEN v_claimed IS NULL;
${lockClaimedMessages('p_token')}
        IF o_ids IS NULL THEN
          DELETE FROM {{s}}.instance_locks WHERE lock_token = p_token;
          CONTINUE;
        END IF;
        o_instance := v_claimed;
${READ_CLAIMED_INSTANCE}
        RETURN NEXT;
        RETURN;
      END LOOP;
      RETURN;
    END $$;
  `,
  3: `
    -- Fetch-on-ack: a turn commit can lock the activity items it creates for the committing
    -- worker, and an activity ack can claim its instance's next turn, each in the same round trip.
    DROP FUNCTION {{s}}.ack_turn(text, bigint, integer, integer[], text[], text, text, text, text, text, text, text, text[], text[], text[], text[], bigint[], text);
    CREATE FUNCTION {{s}}.ack_turn(${ACK_TURN_PARAMS},
      p_lock_work integer, p_lock_until bigint
    ) RETURNS TABLE (o_instance text, o_ids bigint[], o_items text[], o_attempts integer[], o_tokens text[])
    LANGUAGE plpgsql AS $$
    DECLARE
      v_activity_ids bigint[];
      v_unlocked integer;
    BEGIN
      SELECT l.instance_id INTO o_instance FROM {{s}}.instance_locks l WHERE l.lock_token = p_token AND l.locked_until > p_now FOR UPDATE;
      IF o_instance IS NULL THEN
        RETURN NEXT;
        RETURN;
      END IF;
${commitTurnRows('o_instance')}
${INSERT_THEN_LOCK_WORK}
${ENQUEUE_TURN_MESSAGES}
      -- Wake other workers only for work this worker did not take.
      v_unlocked := COALESCE(array_length(p_work_queues, 1), 0) - COALESCE(array_length(o_ids, 1), 0);
${notifyAfterTurn('v_unlocked > 0')}
      RETURN NEXT;
    END $$;

    CREATE FUNCTION {{s}}.ack_work_and_claim(
      p_token text, p_now bigint, p_instance text, p_message text, p_until bigint, p_new_token text, p_channel text
    ) RETURNS TABLE (o_acked boolean, o_ids bigint[], o_messages text[], o_attempts integer[], o_instance_row text, o_last_event integer)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_deleted bigint;
      v_claimed text;
    BEGIN
      DELETE FROM {{s}}.work_queue WHERE lock_token = p_token AND locked_until > p_now RETURNING id INTO v_deleted;
      o_acked := v_deleted IS NOT NULL;
      IF NOT o_acked THEN
        RETURN NEXT;
        RETURN;
      END IF;
      INSERT INTO {{s}}.orchestrator_queue (instance_id, message, visible_at) VALUES (p_instance, p_message, p_now);
${claimInstance('p_instance', 'p_new_token')}
      IF v_claimed IS NULL THEN
        -- Another worker holds the instance: it (or the next fetch) takes the completion.
        PERFORM pg_notify(p_channel, 'orchestrator');
        RETURN NEXT;
        RETURN;
      END IF;
${lockClaimedMessages('p_new_token')}
${READ_CLAIMED_INSTANCE}
      RETURN NEXT;
    END $$;
  `,
  // Management reads (the console): newest-first by update, diagram records per version.
  4: `
    CREATE INDEX instances_by_updated ON {{s}}.instances (updated_at, instance_id);
    CREATE INDEX instances_by_name ON {{s}}.instances (name, created_at);
    CREATE TABLE {{s}}.diagrams (
      name text NOT NULL,
      version text NOT NULL,
      record text NOT NULL,
      PRIMARY KEY (name, version)
    );
  `,
  // Large event values stored once by content hash (payload-codec.ts), written by ack_turn in
  // the turn's transaction; the size of each instance's current execution, for the warning.
  5: `
    CREATE TABLE {{s}}.payloads (
      key bytea PRIMARY KEY,
      prev bytea,
      body text NOT NULL
    );
    ALTER TABLE {{s}}.instances ADD COLUMN history_bytes bigint NOT NULL DEFAULT 0,
      ADD COLUMN history_execution integer NOT NULL DEFAULT 0,
      ADD COLUMN history_warned boolean NOT NULL DEFAULT false;
    DROP FUNCTION {{s}}.ack_turn(${ACK_TURN_PARAMS_V3_TYPES});
${ACK_TURN_V5_SIGNATURE}
    DECLARE
      v_activity_ids bigint[];
      v_unlocked integer;
      v_warned boolean;
    BEGIN
      SELECT l.instance_id INTO o_instance FROM {{s}}.instance_locks l WHERE l.lock_token = p_token AND l.locked_until > p_now FOR UPDATE;
      IF o_instance IS NULL THEN
        RETURN NEXT;
        RETURN;
      END IF;
      INSERT INTO {{s}}.payloads (key, prev, body)
        SELECT n.k, n.p, n.b FROM unnest(p_payload_keys, p_payload_prevs, p_payload_bodies) AS n(k, p, b)
        ON CONFLICT (key) DO NOTHING;
${commitTurnRows('o_instance')}
      UPDATE {{s}}.instances i SET
          history_bytes = CASE WHEN i.history_execution = p_execution THEN i.history_bytes + p_history_bytes ELSE p_history_bytes END,
          history_execution = p_execution
        WHERE i.instance_id = o_instance RETURNING i.history_bytes, i.history_warned INTO o_history_bytes, v_warned;
      o_warn := NOT v_warned AND o_history_bytes >= p_warn_bytes;
      IF o_warn THEN
        UPDATE {{s}}.instances SET history_warned = true WHERE instance_id = o_instance;
      END IF;
${INSERT_THEN_LOCK_WORK}
${ENQUEUE_TURN_MESSAGES}
      v_unlocked := COALESCE(array_length(p_work_queues, 1), 0) - COALESCE(array_length(o_ids, 1), 0);
${notifyAfterTurn('v_unlocked > 0')}
      RETURN NEXT;
    END $$;
  `,
  // Fewer writes per turn: the lease released by one DELETE, the instance row and history size
  // in one upsert, fetched-on-ack work inserted locked.
  // Group commit: many turns' (or work acks') calls in one round trip and one transaction,
  // each call in its own subtransaction so one failing rolls back only itself. A call is the
  // JSON array of its function's arguments, in order; bytea arguments as hex.
  6: `
    DROP FUNCTION {{s}}.ack_turn(${ACK_TURN_PARAMS_V5_TYPES});
${ACK_TURN_V5_SIGNATURE}
    DECLARE
      v_warned boolean;
      v_unlocked integer;
    BEGIN
      -- Releasing the lease proves it was held; a lost one writes nothing.
      DELETE FROM {{s}}.instance_locks l WHERE l.lock_token = p_token AND l.locked_until > p_now RETURNING l.instance_id INTO o_instance;
      IF o_instance IS NULL THEN
        RETURN NEXT;
        RETURN;
      END IF;
      INSERT INTO {{s}}.payloads (key, prev, body)
        SELECT n.k, n.p, n.b FROM unnest(p_payload_keys, p_payload_prevs, p_payload_bodies) AS n(k, p, b)
        ON CONFLICT (key) DO NOTHING;
      INSERT INTO {{s}}.history (instance_id, execution_id, event_id, event)
        SELECT o_instance, p_execution, e.id, e.body FROM unnest(p_event_ids, p_events) AS e(id, body);
      -- The instance row and the execution's history size in one write.
      INSERT INTO {{s}}.instances AS i (instance_id, name, version, status, execution_id, output, error, custom_status, parent_instance_id,
                                        created_at, updated_at, history_bytes, history_execution)
        VALUES (o_instance, p_name, p_version, p_status, p_execution, p_output, p_error, p_custom, p_parent, p_now, p_now, p_history_bytes, p_execution)
        ON CONFLICT (instance_id) DO UPDATE SET name = p_name, version = p_version, status = p_status,
          execution_id = GREATEST(i.execution_id, p_execution), output = p_output, error = p_error,
          custom_status = p_custom, parent_instance_id = p_parent, updated_at = p_now,
          history_bytes = CASE WHEN i.history_execution = p_execution THEN i.history_bytes + p_history_bytes ELSE p_history_bytes END,
          history_execution = p_execution
        RETURNING i.history_bytes, i.history_warned INTO o_history_bytes, v_warned;
      o_warn := NOT v_warned AND o_history_bytes >= p_warn_bytes;
      IF o_warn THEN
        UPDATE {{s}}.instances SET history_warned = true WHERE instance_id = o_instance;
      END IF;
      DELETE FROM {{s}}.orchestrator_queue WHERE lock_token = p_token;
      -- New work; the first p_lock_work activities are inserted locked for the caller (fetch-on-ack).
      WITH w AS (
        SELECT w.q, w.item, w.n, (w.q = 'activity' AND count(*) FILTER (WHERE w.q = 'activity') OVER (ORDER BY w.n) <= p_lock_work) AS take
        FROM unnest(p_work_queues, p_work_items) WITH ORDINALITY AS w(q, item, n)),
      ins AS (
        INSERT INTO {{s}}.work_queue (queue, item, visible_at, lock_token, locked_until, attempt)
        SELECT w.q, w.item, p_now, CASE WHEN w.take THEN gen_random_uuid()::text END, CASE WHEN w.take THEN p_lock_until ELSE 0 END,
               CASE WHEN w.take THEN 1 ELSE 0 END
        FROM w ORDER BY w.n
        RETURNING id, item, attempt, lock_token)
      SELECT array_agg(ins.id ORDER BY ins.id), array_agg(ins.item ORDER BY ins.id),
             array_agg(ins.attempt ORDER BY ins.id), array_agg(ins.lock_token ORDER BY ins.id)
        INTO o_ids, o_items, o_attempts, o_tokens FROM ins WHERE ins.lock_token IS NOT NULL;
${ENQUEUE_TURN_MESSAGES}
      v_unlocked := COALESCE(array_length(p_work_queues, 1), 0) - COALESCE(array_length(o_ids, 1), 0);
${notifyAfterTurn('v_unlocked > 0')}
      RETURN NEXT;
    END $$;
    CREATE FUNCTION {{s}}.json_texts(j jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
      SELECT COALESCE(array_agg(x ORDER BY o), '{}') FROM jsonb_array_elements_text(j) WITH ORDINALITY AS t(x, o)
    $$;
    CREATE FUNCTION {{s}}.json_byteas(j jsonb) RETURNS bytea[] LANGUAGE sql IMMUTABLE AS $$
      SELECT COALESCE(array_agg(decode(x, 'hex') ORDER BY o), '{}') FROM jsonb_array_elements_text(j) WITH ORDINALITY AS t(x, o)
    $$;
${batchFunction(
  'ack_turns',
  `{{s}}.ack_turn(
            c->>0, (c->>1)::bigint, (c->>2)::integer, {{s}}.json_texts(c->3)::integer[], {{s}}.json_texts(c->4),
            c->>5, c->>6, c->>7, c->>8, c->>9, c->>10, c->>11,
            {{s}}.json_texts(c->12), {{s}}.json_texts(c->13),
            {{s}}.json_texts(c->14), {{s}}.json_texts(c->15), {{s}}.json_texts(c->16)::bigint[], c->>17,
            (c->>18)::integer, (c->>19)::bigint,
            {{s}}.json_byteas(c->20), {{s}}.json_byteas(c->21), {{s}}.json_texts(c->22), (c->>23)::bigint, (c->>24)::bigint
          )`,
)}
${batchFunction('ack_works_and_claim', `{{s}}.ack_work_and_claim(c->>0, (c->>1)::bigint, c->>2, c->>3, (c->>4)::bigint, c->>5, c->>6)`)}
  `,
  // No table changes: work items may now reference payload nodes their turn stored (an LLM
  // request whose prompt is recorded), so a runtime that cannot resolve them must refuse the schema.
  7: `SELECT 1;`,
};
