/**
 * Items that arrive while the event loop is busy, handed over together when the burst yields
 * (group commit). How long a group waits adapts: while groups hold one item (no concurrency),
 * the next goes as soon as the current code yields (a microtask), so a lone caller pays no
 * extra latency; once they hold several, a group waits for the event loop's next turn
 * (setImmediate) to gather more.
 */
export class Burst<T> {
  private items: T[] = [];
  private scheduled = false;
  /** Items in the last group: more than one means concurrent callers, worth waiting for. */
  private lastSize = 0;

  constructor(private readonly handle: (group: T[]) => void) {}

  /** Items waiting for the next group. */
  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.lastSize > 1) setImmediate(() => this.flush());
    else queueMicrotask(() => this.flush());
  }

  /** Hands over what is queued now, if anything (also ahead of the scheduled time). */
  flush(): void {
    this.scheduled = false; // a scheduled flush that finds nothing queued does nothing
    const group = this.items;
    this.items = [];
    if (group.length === 0) return;
    this.lastSize = group.length;
    this.handle(group);
  }
}
