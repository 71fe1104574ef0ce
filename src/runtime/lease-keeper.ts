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

export interface LeaseKeeperOptions {
  store: Store;
  lockToken: string;
  lockMs: number;
  instanceId: string;
  /** `performance.now()` when the request that took the lock was sent. */
  lockedAt: number;
  /** How often to look for cancellation of the instance. */
  cancelCheckMs: number;
  shutdownSignal: AbortSignal;
}

export class LeaseKeeper {
  readonly controller = new AbortController();
  lost = false;
  /** When the last request that took or renewed the lock was sent: it runs at least lockMs from then. */
  private heldSince: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onShutdown = () => this.controller.abort(new Error('runtime shutting down'));

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.heldSince = opts.lockedAt;
    // One renewal cadence serves both: keeping the lease, and noticing a deleted item (a race loser) within cancelCheckMs.
    const renew = setInterval(() => void this.renew().catch(() => {}), Math.max(10, Math.min(Math.floor(opts.lockMs / 3), opts.cancelCheckMs)));
    const check = setInterval(() => void this.checkCancelled(), opts.cancelCheckMs);
    renew.unref();
    check.unref();
    this.timers.push(renew, check);
    if (opts.shutdownSignal.aborted) this.onShutdown();
    else opts.shutdownSignal.addEventListener('abort', this.onShutdown, { once: true });
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.opts.shutdownSignal.removeEventListener('abort', this.onShutdown);
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
        this.controller.abort(err);
      }
    }
  }

  private async checkCancelled(): Promise<void> {
    if (this.lost) return;
    try {
      const info = await this.opts.store.getInstance(this.opts.instanceId);
      if (info && TERMINAL_STATUSES.has(info.status)) {
        this.controller.abort(new Error(`instance ${this.opts.instanceId} is ${info.status}`));
      }
    } catch {
      // A failed read is not a cancellation; the next check tries again.
    }
  }
}
