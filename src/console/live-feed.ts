/**
 * Live updates for Server-Sent Events: one poll of the store's recently updated instances,
 * shared by every open page, running only while someone listens. Polling the store (not the
 * in-process notices) sees runtimes on other machines too.
 */
import type { InstanceInfo } from '../store/store.js';
import type { ConsoleApi } from './console-api.js';

export type FeedListener = (changed: InstanceInfo[]) => void;

export class LiveFeed {
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | null = null;
  private sinceMs = Date.now();
  /** updatedAtMs last sent per instance, near the window's edge (updates within one ms). */
  private readonly sent = new Map<string, number>();
  private polling = false;

  constructor(
    private readonly api: ConsoleApi,
    private readonly intervalMs = 150,
  ) {}

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.sinceMs = Date.now() - 1_000;
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) this.stop();
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const rows = await this.api.changedSince(this.sinceMs - 50);
      const fresh = rows.filter((r) => this.sent.get(r.instanceId) !== r.updatedAtMs);
      for (const r of fresh) this.sent.set(r.instanceId, r.updatedAtMs);
      const max = Math.max(this.sinceMs, ...rows.map((r) => r.updatedAtMs));
      this.sinceMs = max;
      for (const [id, at] of this.sent) if (at < max - 5_000) this.sent.delete(id);
      if (fresh.length) for (const l of this.listeners) l(fresh);
    } catch {
      // A store hiccup: the next poll tries again.
    } finally {
      this.polling = false;
    }
  }
}
