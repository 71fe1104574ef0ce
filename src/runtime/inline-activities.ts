/**
 * Inline activities: when a turn's only new work is one short activity this runtime registers,
 * and the code waits on nothing else, the activity runs right here, before the turn is
 * committed. Its completion goes to the same replayer, and the schedule, the completion and
 * whatever the code did next are committed together: one store write per activity instead of
 * two (a turn commit, then an activity ack that claims the next turn). Temporal calls this a
 * local activity; here it is automatic, and only for activities that have proven short.
 *
 * What still holds:
 * - At least once: a crash before the commit has written nothing of the turn, so the turn (and
 *   the activity) runs again. A recorded completion is never run again.
 * - Leases: the instance lock is held while the activity runs, and confirmed (renewed when not
 *   young) before each start, so a worker paused past its lease starts nothing.
 * - No starvation: at most `budgetMs` per activity and `turnBudgetMs` per turn. An activity
 *   still running at its budget is committed as ordinary work, locked for this worker, and
 *   finishes through the queue (acked under that item's lease); events and cancellations wait
 *   at most that long.
 * - Poison counting: an activity runs inline only after it completed within budget before in
 *   this process, and never in a redelivered turn, so an activity that crashes its worker is
 *   counted by its work item's deliveries as before.
 */
import { performance } from 'node:perf_hooks';
import { executeActivity, InlineStop, type ActivityWorkerOptions } from './activity-worker.js';
import { killPoint } from './kill-hook.js';
import type { ActivityWorkItem, CompletionMessage, OrchestratorMessage } from './messages.js';
import type { TurnProcessor, TurnResult } from './turn-processor.js';
import type { OrchestrationItem, Store, TurnCommit } from '../store/store.js';
import { LockLostError } from '../store/errors.js';

export interface InlineActivityOptions {
  /** Longest an activity runs inline before it becomes ordinary work; 0 turns inlining off. */
  budgetMs: number;
  /** Longest a turn spends on inline activities. */
  turnBudgetMs: number;
  lockMs: number;
  store: Store;
  activity: ActivityWorkerOptions;
}

/** An inline run that outlived its budget: commit its turn with the item locked, then adopt it. */
export interface OverBudgetRun {
  eventId: number;
  running: Promise<OrchestratorMessage>;
  stop: InlineStop;
}

export class InlineActivities {
  /** Activities whose last run, inline or queued, finished within budget. */
  private readonly short = new Set<string>();

  constructor(private readonly opts: InlineActivityOptions) {}

  /** A queued run of `name` finished: whether it was short decides whether the next may run inline. */
  observed(name: string, durationMs: number): void {
    if (durationMs <= this.opts.budgetMs) this.short.add(name);
    else this.short.delete(name);
  }

  /**
   * Runs the turn's activities inline while it can; returns the grown turn, and the run still
   * going at its budget, if any. `lockedAt`: when the turn's instance lock was taken.
   */
  async run(turns: TurnProcessor, item: OrchestrationItem, result: TurnResult, lockedAt: number): Promise<{ result: TurnResult; overBudget: OverBudgetRun | null; inlined: number }> {
    let inlined = 0;
    let heldSince = lockedAt;
    while ('commit' in result && result.keep && this.eligible(item, result.commit, result.keep.waitingOn) && performance.now() - lockedAt < this.opts.turnBudgetMs) {
      const w = result.commit.workItems[0] as ActivityWorkItem;
      killPoint('before-activity-run');
      // The fence: never start work on an instance whose lease may be gone.
      if (performance.now() - heldSince >= this.opts.lockMs / 4) {
        const sentAt = performance.now();
        try {
          await this.opts.store.renewOrchestrationLock(item.lockToken, this.opts.lockMs);
        } catch (err) {
          if (err instanceof LockLostError) throw err;
          break; // a transient store error: leave the activity to the queue
        }
        heldSince = sentAt;
      }
      // Checked again right before the start: a freeze after the proof must not start it on waking.
      if (performance.now() - heldSince >= this.opts.lockMs / 2) break; // the commit proves (or refuses) the lease
      const stop = new InlineStop();
      const startedAt = performance.now();
      const running = executeActivity(w, 1, stop, this.opts.activity);
      const completion = await settledWithin(running, this.opts.budgetMs);
      if (completion === null) {
        this.short.delete(w.name);
        return { result, overBudget: { eventId: w.eventId, running, stop }, inlined };
      }
      this.observed(w.name, performance.now() - startedAt);
      killPoint('after-activity-run');
      killPoint('before-activity-ack');
      result = await turns.continueTurn(result.keep, result.commit, completion as CompletionMessage, Date.now());
      inlined++;
    }
    return { result, overBudget: null, inlined };
  }

  private eligible(item: OrchestrationItem, commit: TurnCommit, waitingOn: number): boolean {
    if (this.opts.budgetMs <= 0 || item.attempt > 1 || waitingOn !== 1) return false;
    if (commit.workItems.length !== 1 || commit.orchestratorMessages.length || commit.cancelledWork?.length || commit.cancelledTimers?.length) return false;
    const w = commit.workItems[0];
    return w.queue === 'activity' && this.short.has(w.name) && this.opts.activity.activities.has(w.name);
  }
}

/** The promise's value if it settles within `ms`, otherwise null (it keeps running). */
function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return new Promise<T | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    void p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}
