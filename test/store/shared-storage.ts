/** What two store objects on one database (two processes) must agree on: locks and data. */
import { expect } from 'vitest';
import type { Store } from '../../src/store/store.js';

/** `a` locks an instance, `b` cannot take it; `a` commits its turn and `b` reads the history. */
export async function expectSharedLocksAndData(a: Store, b: Store, instanceId: string): Promise<void> {
  await a.createInstance({ kind: 'StartOrchestration', instanceId, name: 'flow', input: null });
  const item = (await a.fetchOrchestrationItem(30_000))!;
  expect(await b.fetchOrchestrationItem(30_000)).toBeNull();
  await a.ackOrchestrationItem(item.lockToken, {
    executionId: 1,
    historyDelta: [{ kind: 'OrchestrationStarted', eventId: 1, timestampMs: 1, name: 'flow', version: '1', input: null, executionId: 1 }],
    instance: { name: 'flow', version: '1', status: 'Running' },
    workItems: [],
    orchestratorMessages: [],
  });
  expect(await b.readHistory(instanceId)).toHaveLength(1);
}
