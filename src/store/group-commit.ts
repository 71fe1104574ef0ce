/**
 * Group commit for an embedded database: writes submitted while the event loop is busy are
 * applied together, each in its own savepoint, and committed by one transaction when the
 * current burst of work yields (burst.ts says when). A commit (WAL append) costs far more
 * than the statements of one turn, so under load many turns share it. Each caller's promise
 * settles after the commit that holds its write: an acknowledged write is as durable as
 * before, and one write failing rolls back only itself.
 */
import { Burst } from './burst.js';

interface PendingWrite {
  write: () => unknown;
  after?: (value: unknown) => void;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitBackend {
  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT). */
  transaction(fn: () => void): void;
  /** Runs `fn` in a savepoint of the open transaction, rolled back if it throws. */
  savepoint<T>(fn: () => T): T;
}

export class GroupCommit {
  private readonly pending = new Burst<PendingWrite>((group) => this.commit(group));

  constructor(private readonly backend: GroupCommitBackend) {}

  /**
   * Queues `write` for the next group; `after` runs once the group committed (notifications,
   * caches of what is stored), before the caller's promise resolves.
   */
  submit<T>(write: () => T, after?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.add({ write, after: after as PendingWrite['after'], resolve: resolve as PendingWrite['resolve'], reject });
    });
  }

  /** Writes waiting for the next group. */
  get size(): number {
    return this.pending.size;
  }

  /** Applies and commits everything queued now (also called before the database closes). */
  flush(): void {
    this.pending.flush();
  }

  private commit(group: PendingWrite[]): void {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.backend.transaction(() => {
        for (const w of group) {
          try {
            outcomes.push({ ok: true, value: this.backend.savepoint(w.write) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed (e.g. the database is busy past its timeout): nothing was written.
      for (const w of group) w.reject(error);
      return;
    }
    group.forEach((w, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) return w.reject(outcome.error);
      try {
        w.after?.(outcome.value);
        w.resolve(outcome.value);
      } catch (error) {
        w.reject(error);
      }
    });
  }
}
