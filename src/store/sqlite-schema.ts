/**
 * The SQLite schema of SqliteStore, as versioned migrations, and the marks by which the store
 * recognises its own files (the header's application id, the `format` row of `duroxide_meta`).
 */

/** The `format` row of `duroxide_meta`. */
export const FORMAT_MARKER = 'duroxide-llm';
/** `PRAGMA application_id` of our files ("DROX"): recognised from the header alone. */
export const APPLICATION_ID = 0x44524f58;
export const SQLITE_SCHEMA_VERSION = 4;

export const SQLITE_MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE instances (
      instance_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      version TEXT,
      status TEXT NOT NULL,
      execution_id INTEGER NOT NULL DEFAULT 0,
      output TEXT,
      error TEXT,
      custom_status TEXT,
      parent_instance_id TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX instances_by_status ON instances(status, created_at);
    CREATE INDEX instances_by_created ON instances(created_at, instance_id);
    CREATE TABLE history (
      instance_id TEXT NOT NULL,
      execution_id INTEGER NOT NULL,
      event_id INTEGER NOT NULL,
      event TEXT NOT NULL,
      PRIMARY KEY (instance_id, execution_id, event_id)
    ) WITHOUT ROWID;
    CREATE TABLE orchestrator_queue (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      instance_id TEXT NOT NULL,
      message TEXT NOT NULL,
      visible_at INTEGER NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      lock_token TEXT
    );
    CREATE INDEX orchestrator_queue_visible ON orchestrator_queue(visible_at, id);
    CREATE INDEX orchestrator_queue_instance ON orchestrator_queue(instance_id, id);
    CREATE INDEX orchestrator_queue_lock ON orchestrator_queue(lock_token);
    CREATE TABLE instance_locks (
      instance_id TEXT PRIMARY KEY,
      lock_token TEXT NOT NULL UNIQUE,
      locked_until INTEGER NOT NULL
    );
    CREATE TABLE work_queue (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      queue TEXT NOT NULL,
      item TEXT NOT NULL,
      visible_at INTEGER NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      lock_token TEXT UNIQUE,
      locked_until INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX work_queue_fetch ON work_queue(queue, visible_at, id);
    CREATE TABLE rate_limits (key TEXT NOT NULL, at INTEGER NOT NULL, cost REAL NOT NULL);
    CREATE INDEX rate_limits_by_key ON rate_limits(key, at);
  `,
  // Management reads (the console): newest-first by update, diagram records per version.
  2: `
    CREATE INDEX instances_by_updated ON instances(updated_at, instance_id);
    CREATE INDEX instances_by_name ON instances(name, created_at);
    CREATE TABLE diagrams (
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      record TEXT NOT NULL,
      PRIMARY KEY (name, version)
    ) WITHOUT ROWID;
  `,
  // Large event values stored once by content hash (payload-codec.ts); the size of each
  // instance's current execution, for the history-size warning. Old rows stay readable as they are.
  3: `
    -- A rowid table: bodies of a few KB stay on their leaf page instead of overflow pages.
    CREATE TABLE payloads (
      key BLOB PRIMARY KEY,
      prev BLOB,
      body TEXT NOT NULL
    );
    ALTER TABLE instances ADD COLUMN history_bytes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE instances ADD COLUMN history_execution INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE instances ADD COLUMN history_warned INTEGER NOT NULL DEFAULT 0;
  `,
  // No table changes: work items may now reference payload nodes their turn stored (an LLM
  // request whose prompt is recorded), so a runtime that cannot resolve them must refuse the file.
  4: `SELECT 1;`,
};
