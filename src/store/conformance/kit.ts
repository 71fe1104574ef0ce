/** What every conformance case gets: fresh stores from the caller's factory, closed after the case. */
import { afterEach } from 'vitest';
import type { HistoryEvent } from '../../runtime/history.js';
import type { Store } from '../store.js';
import { commit, LONG, start, started } from './fixtures.js';

export interface StoreKit {
  /** A new store from `makeStore`, initialised; closed after the case. */
  fresh(): Promise<Store>;
  /** A fresh store with instance `id` started, its first turn committed with `delta`. */
  withStartedInstance(id: string, delta?: HistoryEvent[]): Promise<Store>;
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
    const s = await fresh();
    await s.createInstance(start(id));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: delta }));
    return s;
  }
  return { fresh, withStartedInstance };
}
