/**
 * The life of one work item on a worker, shared by activities and LLM calls: run it under a
 * kept lease, then ack the item together with its completion. Work runs at least once: a
 * worker that dies before the ack leaves the item to be locked again when its lease expires.
 */
import { killPoint, type KillPoint } from './kill-hook.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { LeaseClock } from './lease-clock.js';
import type { OrchestratorMessage } from './messages.js';
import { LockLostError } from '../store/errors.js';
import type { KnownHistory, LockedWorkItem, OrchestrationItem, Store } from '../store/store.js';

export interface LeasedWorkOptions {
  store: Store;
  lockMs: number;
  cancelCheckMs: number;
  /** The runtime's lease clock (renewals, cancellation checks, shutdown). */
  leases: LeaseClock;
  /** Fetch-on-ack: claim the completion's instance in the same round trip and run its turn. */
  claimTurn?: { knownHistory: KnownHistory; run: (item: OrchestrationItem) => void };
}

/** Tells running work to stop; the AbortSignal is made only when asked for. */
export interface StopSignal {
  readonly signal: AbortSignal;
  readonly aborted: boolean;
}

/**
 * Proves the lease before a side effect: resolves while it is held, throws LockLostError when
 * it is gone. `heldNow()` is the synchronous check to make right before starting the effect:
 * a worker frozen between the awaited proof and the start must not start it on waking.
 */
export interface Fence {
  (): Promise<void>;
  heldNow(): boolean;
}

/** A locked work item and when the request that locked it was sent (`performance.now()`). */
export interface LeasedItem extends LockedWorkItem {
  lockedAt: number;
}

export async function runLeasedWorkItem(
  locked: LeasedItem,
  opts: LeasedWorkOptions,
  /**
   * Runs the work and returns its completion message; it reports its own failures. `stop`
   * tells it when to give up;
   * throws LockLostError when the lease is gone: call it right before each side effect.
   */
  execute: (stop: StopSignal, fence: Fence) => Promise<OrchestratorMessage>,
  points: { beforeRun: KillPoint; afterRun?: KillPoint; beforeAck: KillPoint; afterAck: KillPoint },
): Promise<void> {
  const lease = new LeaseKeeper({ ...opts, lockToken: locked.lockToken, instanceId: locked.item.instanceId, lockedAt: locked.lockedAt });
  let completion: OrchestratorMessage;
  try {
    killPoint(points.beforeRun);
    const fence = Object.assign(() => lease.confirm(), { heldNow: () => lease.heldNow() });
    completion = await execute(lease, fence);
  } catch (err) {
    if (err instanceof LockLostError) return; // fenced: another worker owns the item now
    throw err;
  } finally {
    lease.stop();
  }
  if (points.afterRun) killPoint(points.afterRun);
  if (lease.lost) return; // another worker owns the item now; its completion will count
  killPoint(points.beforeAck);
  try {
    if (opts.claimTurn && opts.store.ackWorkItemAndLockInstance) {
      const item = await opts.store.ackWorkItemAndLockInstance(locked.lockToken, completion, opts.lockMs, { knownHistory: opts.claimTurn.knownHistory });
      if (item) opts.claimTurn.run(item);
    } else {
      await opts.store.ackWorkItem(locked.lockToken, completion);
    }
  } catch (err) {
    if (!(err instanceof LockLostError)) throw err;
  }
  killPoint(points.afterAck);
}
