/**
 * The WHERE and ORDER BY of the management reads (`queryInstances`, `countInstancesByStatus`),
 * shared by both SQL stores: they differ only in placeholders and the substring function.
 */
import type { InstanceQuery } from './store.js';

export interface SqlDialect {
  /** The placeholder of the n-th bound argument (1-based): `?` or `$n`. */
  placeholder(n: number): string;
  /** A condition that `column` contains the text bound at `placeholder` (no LIKE: `%` and `_` are plain text). */
  contains(column: string, placeholder: string): string;
}

/** `WHERE …` (or '') and its arguments. Status is left out for counts, which group by it. */
export function instanceWhere(q: InstanceQuery, dialect: SqlDialect, opts: { status: boolean }): { where: string; args: unknown[] } {
  const terms: string[] = [];
  const args: unknown[] = [];
  const add = (term: (p: string) => string, value: unknown) => {
    args.push(value);
    terms.push(term(dialect.placeholder(args.length)));
  };
  if (q.name !== undefined) add((p) => `name = ${p}`, q.name);
  if (q.idContains) add((p) => dialect.contains('instance_id', p), q.idContains);
  if (q.createdFromMs !== undefined) add((p) => `created_at >= ${p}`, q.createdFromMs);
  if (q.createdToMs !== undefined) add((p) => `created_at < ${p}`, q.createdToMs);
  if (q.updatedAfterMs !== undefined) add((p) => `updated_at > ${p}`, q.updatedAfterMs);
  if (opts.status && q.status) add((p) => `status = ${p}`, q.status);
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', args };
}

/** Newest first, by creation (default) or last update; the id breaks ties the same way everywhere. */
export function instanceOrder(q: InstanceQuery): string {
  return q.orderBy === 'updated' ? 'updated_at DESC, instance_id DESC' : 'created_at DESC, instance_id DESC';
}
