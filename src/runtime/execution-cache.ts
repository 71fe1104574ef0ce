/**
 * The execution cache ("sticky" orchestrations): replayers kept alive between turns so a turn
 * costs O(new events). An entry is used only when the stored history is exactly what it has
 * seen; otherwise (another worker ran a turn, a commit failed) it is dropped and the next
 * turn replays from scratch.
 *
 * Bounded by entries and by bytes: each entry is charged the JSON size of the history it
 * holds (measured once per event), and the least recently used entries go first.
 */
import type { HistoryEvent } from './history.js';
import type { Replayer } from './replay-engine.js';
import { jsonLength } from './json-value.js';

export interface ExecutionCacheLimits {
  maxEntries: number;
  /** Upper bound of the JSON size of all cached histories (default 128 MiB). */
  maxBytes: number;
}

export const DEFAULT_CACHE_LIMITS: ExecutionCacheLimits = { maxEntries: 1000, maxBytes: 128 * 1024 * 1024 };

interface Entry {
  replayer: Replayer;
  /** Events of `replayer.history` measured so far, and their JSON size. */
  measured: number;
  bytes: number;
}

export class ExecutionCache {
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;
  private readonly limits: ExecutionCacheLimits;

  constructor(limits: Partial<ExecutionCacheLimits> = {}) {
    this.limits = { ...DEFAULT_CACHE_LIMITS, ...limits };
  }

  /** Removes and returns the instance's replayer if it matches the stored history. */
  take(instanceId: string, executionId: number, persisted: HistoryEvent[]): Replayer | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    this.remove(instanceId, entry);
    const r = entry.replayer;
    const last = persisted[persisted.length - 1];
    if (r.started.executionId === executionId && r.history.length === persisted.length && last && r.lastEventId === last.eventId) {
      measuredOf.set(r, { measured: entry.measured, bytes: entry.bytes });
      return r;
    }
    r.close();
    return undefined;
  }

  /** What the cache holds for an instance: the store's `knownHistory` hint. */
  known(instanceId: string): { executionId: number; lastEventId: number } | undefined {
    const r = this.entries.get(instanceId)?.replayer;
    return r ? { executionId: r.started.executionId, lastEventId: r.lastEventId } : undefined;
  }

  /** The history a cached replayer holds (what the store skipped returning). Read only. */
  history(instanceId: string): HistoryEvent[] | undefined {
    return this.entries.get(instanceId)?.replayer.history;
  }

  put(instanceId: string, replayer: Replayer): void {
    const old = this.entries.get(instanceId);
    if (old) this.remove(instanceId, old);
    const entry = measure(replayer);
    if (entry.bytes > this.limits.maxBytes) {
      replayer.close(); // larger than the whole cache: replay it next time instead
      return;
    }
    this.entries.set(instanceId, entry);
    this.totalBytes += entry.bytes;
    while (this.entries.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes) {
      const [oldestId, oldest] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldestId, oldest);
      oldest.replayer.close();
    }
  }

  drop(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.remove(instanceId, entry);
    entry.replayer.close();
  }

  clear(): void {
    for (const e of this.entries.values()) e.replayer.close();
    this.entries.clear();
    this.totalBytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** JSON size of the histories held now. */
  get bytes(): number {
    return this.totalBytes;
  }

  private remove(instanceId: string, entry: Entry): void {
    this.entries.delete(instanceId);
    this.totalBytes -= entry.bytes;
  }
}

/** Measurements of replayers taken out for a turn, so only their new events are measured. */
const measuredOf = new WeakMap<Replayer, { measured: number; bytes: number }>();

function measure(replayer: Replayer): Entry {
  const prior = measuredOf.get(replayer) ?? { measured: 0, bytes: 0 };
  measuredOf.delete(replayer);
  let bytes = prior.bytes;
  const h = replayer.history;
  for (let i = prior.measured; i < h.length; i++) bytes += jsonLength(h[i]);
  return { replayer, measured: h.length, bytes };
}
