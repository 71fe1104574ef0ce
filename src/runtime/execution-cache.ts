/**
 * The execution cache ("sticky" orchestrations): replayers kept alive between turns so a turn
 * costs O(new events). An entry is used only when the stored history is exactly what it has
 * seen; otherwise (another worker ran a turn, a commit failed) it is dropped and the next
 * turn replays from scratch.
 */
import type { HistoryEvent } from './history.js';
import type { Replayer } from './replay-engine.js';

export class ExecutionCache {
  private readonly entries = new Map<string, Replayer>();

  constructor(private readonly maxEntries = 1000) {}

  /** Removes and returns the instance's replayer if it matches the stored history. */
  take(instanceId: string, executionId: number, persisted: HistoryEvent[]): Replayer | undefined {
    const r = this.entries.get(instanceId);
    if (!r) return undefined;
    this.entries.delete(instanceId);
    const last = persisted[persisted.length - 1];
    if (r.started.executionId === executionId && r.history.length === persisted.length && last && r.lastEventId === last.eventId) {
      return r;
    }
    r.close();
    return undefined;
  }

  /** What the cache holds for an instance: the store's `knownHistory` hint. */
  known(instanceId: string): { executionId: number; lastEventId: number } | undefined {
    const r = this.entries.get(instanceId);
    return r ? { executionId: r.started.executionId, lastEventId: r.lastEventId } : undefined;
  }

  /** The history a cached replayer holds (what the store skipped returning). Read only. */
  history(instanceId: string): HistoryEvent[] | undefined {
    return this.entries.get(instanceId)?.history;
  }

  put(instanceId: string, replayer: Replayer): void {
    this.entries.delete(instanceId);
    this.entries.set(instanceId, replayer);
    if (this.entries.size > this.maxEntries) {
      const [oldestId, oldest] = this.entries.entries().next().value as [string, Replayer];
      this.entries.delete(oldestId);
      oldest.close();
    }
  }

  drop(instanceId: string): void {
    this.entries.get(instanceId)?.close();
    this.entries.delete(instanceId);
  }

  clear(): void {
    for (const r of this.entries.values()) r.close();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
