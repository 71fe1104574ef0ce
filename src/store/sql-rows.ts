/**
 * Row mapping shared by the SQL stores (SqliteStore, PostgresStore). Both keep JSON in text
 * columns under the same column names, so a row reads back the same way from either.
 * PostgreSQL returns bigint columns as strings: every number goes through `Number()`.
 */
import type { OrchestratorMessage, WorkItem } from '../runtime/messages.js';
import type { InstanceInfo, InstanceStatus, InstanceUpdate, LockedWorkItem, QueuedMessage } from './store.js';

export type Row = Record<string, any>;

/** JSON text for a nullable column: undefined is stored as NULL. */
export function jsonColumn(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** A row of the `instances` table. NULL columns are left out, as the Store contract has them. */
export function instanceFromRow(r: Row): InstanceInfo {
  const info: InstanceInfo = {
    instanceId: r.instance_id,
    name: r.name,
    version: r.version ?? null,
    status: r.status as InstanceStatus,
    executionId: Number(r.execution_id),
    createdAtMs: Number(r.created_at),
    updatedAtMs: Number(r.updated_at),
  };
  if (r.output !== null) info.output = JSON.parse(r.output);
  if (r.error !== null) info.error = JSON.parse(r.error);
  if (r.custom_status !== null) info.customStatus = JSON.parse(r.custom_status);
  if (r.parent_instance_id !== null) info.parentInstanceId = r.parent_instance_id;
  return info;
}

/** The `instances` columns a turn writes, encoded for the database. */
export function instanceColumns(update: InstanceUpdate) {
  return {
    name: update.name,
    version: update.version,
    status: update.status,
    output: jsonColumn(update.output),
    error: jsonColumn(update.error),
    customStatus: jsonColumn(update.customStatus),
    parent: update.parentInstanceId ?? null,
  };
}

/** A locked `orchestrator_queue` row; `attempt` already counts this lock. */
export function queuedMessageFromRow(id: unknown, message: string, attempt: unknown): QueuedMessage {
  return { id: String(id), message: JSON.parse(message) as OrchestratorMessage, attempt: Number(attempt) };
}

/** A locked `work_queue` row; `attempt` already counts this lock. */
export function lockedWorkItemFromRow(id: unknown, lockToken: string, item: WorkItem, attempt: unknown): LockedWorkItem {
  return { id: String(id), lockToken, item, attempt: Number(attempt) };
}
