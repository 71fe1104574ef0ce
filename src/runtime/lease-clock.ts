/**
 * One clock for every lease a runtime holds: a single timer drives all renewals and
 * cancellation checks, and one shutdown listener stops them all. A timer pair and a listener
 * per work item cost more than a short activity itself.
 */
export interface ClockedLease {
  /** Called on every tick with the monotonic time; the lease decides what is due. */
  tick(now: number): void;
  /** The runtime is shutting down. */
  shutdown(): void;
}

export class LeaseClock {
  private readonly leases = new Set<ClockedLease>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /**
   * `tickMs`: how often leases are looked at; a lease renews at most `tickMs` after it is due.
   * `shutdownSignal` aborting tells every lease, now and later, to stop.
   */
  constructor(
    private readonly tickMs: number,
    shutdownSignal?: AbortSignal,
  ) {
    if (shutdownSignal?.aborted) this.stopped = true;
    else shutdownSignal?.addEventListener('abort', () => this.shutdown(), { once: true });
  }

  add(lease: ClockedLease): void {
    if (this.stopped) {
      lease.shutdown();
      return;
    }
    this.leases.add(lease);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  /**
   * The timer keeps running until shutdown (unref'd, it holds no process open): a tick over
   * no leases costs nothing, a timer started and cleared per activity would.
   */
  remove(lease: ClockedLease): void {
    this.leases.delete(lease);
  }

  private tick(): void {
    const now = performance.now();
    for (const lease of this.leases) lease.tick(now);
  }

  private shutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const lease of this.leases) lease.shutdown();
  }
}
