/**
 * A polling dispatcher: one fetch loop that hands items to up to `concurrency` handlers.
 * Idle polling backs off from 1 ms to `idleMaxMs`; a store's work notice wakes it at once.
 */
export interface DispatcherOptions<T> {
  name: string;
  concurrency: number;
  idleMaxMs: number;
  /**
   * True when the store sends work notices: an idle loop then sleeps until woken (or
   * `idleMaxMs` for timers) instead of polling with a short backoff.
   */
  notified?: boolean;
  fetch: () => Promise<T | null>;
  handle: (item: T) => Promise<void>;
  onError: (where: string, err: unknown) => void;
}

export class Dispatcher<T> {
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | null = null;
  /** A notice that arrived while no one slept: the next sleep returns at once. */
  private wokenEarly = false;
  private loop: Promise<void> | null = null;
  /** Resolves the fetch loop's wait for a free slot (one waiter: the loop). */
  private slotFreed: (() => void) | null = null;

  constructor(private readonly opts: DispatcherOptions<T>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Items being handled now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Wakes an idle fetch loop (new work may be visible). */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.wokenEarly = true;
  }

  /** Stops fetching and waits for in-flight handlers. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const firstIdleMs = this.opts.notified ? this.opts.idleMaxMs : 1;
    let idleMs = firstIdleMs;
    while (this.running) {
      if (this.inFlight.size >= this.opts.concurrency) {
        // Not Promise.race(inFlight): that adds a reaction to every handler on each wait.
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let item: T | null = null;
      this.wokenEarly = false; // this fetch sees everything notified so far
      try {
        item = await this.opts.fetch();
      } catch (err) {
        this.opts.onError(`${this.opts.name} fetch`, err);
      }
      if (!this.running) {
        // Fetched while stopping: leave it to its lock expiry rather than half-run it.
        break;
      }
      if (item === null) {
        await this.sleep(idleMs);
        idleMs = Math.min(idleMs * 2, this.opts.idleMaxMs);
        continue;
      }
      idleMs = firstIdleMs;
      const p: Promise<void> = this.opts
        .handle(item)
        .catch((err) => this.opts.onError(`${this.opts.name} handler`, err))
        .finally(() => {
          this.inFlight.delete(p);
          const freed = this.slotFreed;
          this.slotFreed = null;
          freed?.();
        });
      this.inFlight.add(p);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wokenEarly) {
      this.wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
