/**
 * Keeps a work item's lock alive while its code runs and tells the code when to stop:
 * the lock was lost, the instance finished or was cancelled, or the runtime is shutting down.
 *
 * It is also the fence before a side effect: `confirm()` proves the lease is still held
 * (from the local monotonic clock when it was renewed recently, otherwise by renewing it in
 * the store), so a worker paused past its lease never starts work another worker now owns.
 */
import { performance } from 'node:perf_hooks';
import { LockLostError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { TERMINAL_STATUSES } from '../store/store.js';
import type { ClockedLease, LeaseClock } from './lease-clock.js';
import { LazyAbort } from './lazy-abort.js';

export interface LeaseKeeperOptions {
  store: Store;
  lockToken: string;
  lockMs: number;
  instanceId: string;
  /** `performance.now()` when the request that took the lock was sent. */
  lockedAt: number;
  /** How often to look for cancellation of the instance. */
  cancelCheckMs: number;
  /** The runtime's clock: renewals, cancellation checks and shutdown. */
  leases: LeaseClock;
}

/** How often a lease renews: a third of the lock, and often enough to notice a deleted item (a race loser) within cancelCheckMs. */
export function renewEveryMs(lockMs: number, cancelCheckMs: number): number {
  return Math.max(10, Math.min(Math.floor(lockMs / 3), cancelCheckMs));
}

export class LeaseKeeper implements ClockedLease {
  lost = false;
  /** When the last request that took or renewed the lock was sent: it runs at least lockMs from then. */
  private heldSince: number;
  private lastRenewAt: number;
  private lastCheckAt: number;
  private readonly renewEvery: number;
  private renewing = false;
  private checking = false;
  private readonly stopping = new LazyAbort();

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.heldSince = opts.lockedAt;
    this.lastRenewAt = this.lastCheckAt = performance.now();
    this.renewEvery = renewEveryMs(opts.lockMs, opts.cancelCheckMs);
    opts.leases.add(this);
  }

  /** Aborts when the work should stop (lease lost, instance ended, runtime shutting down). */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  get aborted(): boolean {
    return this.stopping.aborted;
  }

  stop(): void {
    this.opts.leases.remove(this);
  }

  tick(now: number): void {
    if (!this.renewing && now - this.lastRenewAt >= this.renewEvery) {
      this.lastRenewAt = now;
      this.renewing = true;
      void this.renew()
        .catch(() => {})
        .finally(() => (this.renewing = false));
    }
    if (!this.checking && now - this.lastCheckAt >= this.opts.cancelCheckMs) {
      this.lastCheckAt = now;
      this.checking = true;
      void this.checkCancelled().finally(() => (this.checking = false));
    }
  }

  shutdown(): void {
    this.stopping.abort(new Error('runtime shutting down'));
  }

  /**
   * Resolves when the lease is certainly still ours; throws LockLostError otherwise. Costs no
   * store round trip while the lease is young (less than half of lockMs since it was taken).
   */
  async confirm(): Promise<void> {
    if (this.lost) throw this.lostError();
    if (performance.now() - this.heldSince < this.opts.lockMs / 2) return;
    await this.renew();
    if (this.lost) throw this.lostError();
  }

  /** Synchronously: the lease is ours and young (taken or renewed less than half a lock ago). */
  heldNow(): boolean {
    return !this.lost && performance.now() - this.heldSince < this.opts.lockMs / 2;
  }

  private lostError(): LockLostError {
    return new LockLostError(this.opts.lockToken, `a work item of instance ${this.opts.instanceId}`);
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    const sentAt = performance.now();
    try {
      await this.opts.store.renewWorkItemLock(this.opts.lockToken, this.opts.lockMs);
      this.heldSince = Math.max(this.heldSince, sentAt);
    } catch (err) {
      // A transient store error is not a lost lease, unless we can no longer prove we hold it.
      if (err instanceof LockLostError || performance.now() - this.heldSince >= this.opts.lockMs) {
        this.lost = true;
        this.stopping.abort(err);
      }
    }
  }

  private async checkCancelled(): Promise<void> {
    if (this.lost) return;
    try {
      const info = await this.opts.store.getInstance(this.opts.instanceId);
      if (info && TERMINAL_STATUSES.has(info.status)) this.stopping.abort(new Error(`instance ${this.opts.instanceId} is ${info.status}`));
    } catch {
      // A failed read is not a cancellation; the next check tries again.
    }
  }
}
