/**
 * Keeps a work item's lock alive while its code runs and tells the code when to stop:
 * the lock was lost, the instance finished or was cancelled, or the runtime is shutting down.
 */
import type { Store } from '../store/store.js';
import { TERMINAL_STATUSES } from '../store/store.js';

export interface LeaseKeeperOptions {
  store: Store;
  lockToken: string;
  lockMs: number;
  instanceId: string;
  /** How often to look for cancellation of the instance. */
  cancelCheckMs: number;
  shutdownSignal: AbortSignal;
}

export class LeaseKeeper {
  readonly controller = new AbortController();
  lost = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onShutdown = () => this.controller.abort(new Error('runtime shutting down'));

  constructor(private readonly opts: LeaseKeeperOptions) {
    const renew = setInterval(() => void this.renew(), Math.max(10, Math.floor(opts.lockMs / 3)));
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

  private async renew(): Promise<void> {
    try {
      await this.opts.store.renewWorkItemLock(this.opts.lockToken, this.opts.lockMs);
    } catch (err) {
      this.lost = true;
      this.controller.abort(err);
    }
  }

  private async checkCancelled(): Promise<void> {
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
