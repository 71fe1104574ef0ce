/** What every conformance case gets: fresh stores from the caller's factory, closed after the case. */
import { afterEach } from 'vitest';
import type { HistoryEvent } from '../../runtime/history.js';
import type { OrchestrationItem, Store } from '../store.js';
import { commit, LONG, start, started } from './fixtures.js';

export interface StoreKit {
  /** A new store from `makeStore`, initialised; closed after the case. */
  fresh(): Promise<Store>;
  /** A fresh store with instance `id` started, its first turn committed with `delta`. */
  withStartedInstance(id: string, delta?: HistoryEvent[]): Promise<Store>;
  /** A fresh store with instance `id` just created and its start fetched, locked for `lockMs`. */
  withFetchedStart(id: string, lockMs?: number): Promise<{ s: Store; item: OrchestrationItem }>;
}

/** Call inside a `describe`: registers the `afterEach` that closes the case's stores. */
export function storeKit(makeStore: () => Store | Promise<Store>): StoreKit {
  let open: Store[] = [];
  afterEach(async () => {
    for (const s of open) await s.close().catch(() => {});
    open = [];
  });
  async function fresh(): Promise<Store> {
    const s = await makeStore();
    await s.init();
    open.push(s);
    return s;
  }
  async function withStartedInstance(id: string, delta: HistoryEvent[] = [started()]): Promise<Store> {
    const { s, item } = await withFetchedStart(id);
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: delta }));
    return s;
  }
  async function withFetchedStart(id: string, lockMs = LONG): Promise<{ s: Store; item: OrchestrationItem }> {
    const s = await fresh();
    await s.createInstance(start(id));
    return { s, item: (await s.fetchOrchestrationItem(lockMs))! };
  }
  return { fresh, withStartedInstance, withFetchedStart };
}
