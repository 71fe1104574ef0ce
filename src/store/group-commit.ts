/**
 * Group commit for an embedded database: writes submitted while the event loop is busy are
 * applied together, each in its own savepoint, and committed by one transaction when the
 * current burst of work yields. A commit (WAL append) costs far more than the statements of
 * one turn, so under load many turns share it. How long a group waits adapts: while groups
 * hold one write (no concurrency), the next is flushed as soon as the current code yields (a
 * microtask), so a lone instance pays no extra latency; once they hold several, the group
 * waits for the event loop's turn (setImmediate) to gather more. Each caller's promise settles after the commit that holds its write: an
 * acknowledged write is as durable as before, and one write failing rolls back only itself.
 */
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
  private pending: PendingWrite[] = [];
  private scheduled = false;
  /** Writes in the last group: more than one means concurrent writers, worth waiting for. */
  private lastSize = 0;

  constructor(private readonly backend: GroupCommitBackend) {}

  /**
   * Queues `write` for the next group; `after` runs once the group committed (notifications,
   * caches of what is stored), before the caller's promise resolves.
   */
  submit<T>(write: () => T, after?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, after: after as PendingWrite['after'], resolve: resolve as PendingWrite['resolve'], reject });
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.lastSize > 1) setImmediate(() => this.flush());
        else queueMicrotask(() => this.flush());
      }
    });
  }

  /** Writes waiting for the next group. */
  get size(): number {
    return this.pending.length;
  }

  /** Applies and commits everything queued now (also called before the database closes). */
  flush(): void {
    this.scheduled = false; // a scheduled flush that finds nothing pending does nothing
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    this.lastSize = group.length;
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
