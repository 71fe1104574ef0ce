/**
 * Runs one activity work item: resolve the function, run it under a kept lease, and ack the
 * item together with its completion. Activities run at least once: a worker that dies before
 * the ack leaves the item to be locked again when its lease expires.
 */
import type { ActivityContext, TraceLevel } from './context-api.js';
import { UnknownActivityError, toErrorDetails } from './errors.js';
import { assertJson, toJson } from './json-value.js';
import { killPoint } from './kill-hook.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { ActivityWorkItem, OrchestratorMessage } from './messages.js';
import type { ActivityRegistry } from './registry.js';
import type { LockedWorkItem, Store } from '../store/store.js';
import { LockLostError } from '../store/errors.js';

export interface ActivityWorkerOptions {
  store: Store;
  activities: ActivityRegistry;
  lockMs: number;
  cancelCheckMs: number;
  shutdownSignal: AbortSignal;
  onTrace?: (instanceId: string, level: TraceLevel, message: string, fields?: Record<string, unknown>) => void;
  onError: (where: string, err: unknown) => void;
}

export async function runActivityItem(locked: LockedWorkItem, opts: ActivityWorkerOptions): Promise<void> {
  const item = locked.item as ActivityWorkItem;
  const lease = new LeaseKeeper({
    store: opts.store,
    lockToken: locked.lockToken,
    lockMs: opts.lockMs,
    instanceId: item.instanceId,
    cancelCheckMs: opts.cancelCheckMs,
    shutdownSignal: opts.shutdownSignal,
  });
  const base = { instanceId: item.instanceId, executionId: item.executionId, sourceEventId: item.eventId };
  let completion: OrchestratorMessage;
  try {
    const registered = opts.activities.resolve(item.name);
    const ctx = activityContext(item, locked.attempt, lease.controller.signal, opts);
    const result = await registered.fn(ctx, item.input);
    assertJson(result, `Result of activity "${item.name}"`);
    completion = { kind: 'ActivityCompleted', ...base, result: toJson(result) };
  } catch (err) {
    const details = toErrorDetails(err, err instanceof UnknownActivityError ? false : undefined);
    completion = { kind: 'ActivityFailed', ...base, error: details };
  } finally {
    lease.stop();
  }
  killPoint('after-activity-run');
  if (lease.lost) return; // another worker owns the item now; its completion will count
  killPoint('before-activity-ack');
  try {
    await opts.store.ackWorkItem(locked.lockToken, completion);
  } catch (err) {
    if (!(err instanceof LockLostError)) throw err;
  }
  killPoint('after-activity-ack');
}

function activityContext(
  item: ActivityWorkItem,
  attempt: number,
  signal: AbortSignal,
  opts: ActivityWorkerOptions,
): ActivityContext {
  return {
    instanceId: item.instanceId,
    executionId: item.executionId,
    orchestrationName: item.orchestrationName,
    activityName: item.name,
    attempt,
    signal,
    isCancelled: () => signal.aborted,
    trace: (level, message, fields) => opts.onTrace?.(item.instanceId, level, message, { activity: item.name, ...fields }),
  };
}
