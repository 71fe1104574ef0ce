/** Runs one activity work item: resolve the function and run it with an activity context. */
import { performance } from 'node:perf_hooks';
import { LazyAbort } from './lazy-abort.js';
import type { ActivityContext, TraceLevel } from './context-api.js';
import { NonJsonValueError, PayloadTooLargeError, UnknownActivityError, toErrorDetails } from './errors.js';
import { poisonDetails } from './poison.js';
import type { Telemetry } from './telemetry.js';
import type { ErrorDetails } from './history.js';
import { checkedJson } from './json-value.js';
import { runLeasedWorkItem, type LeasedItem, type LeasedWorkOptions, type StopSignal } from './leased-work-item.js';
import type { ActivityWorkItem, OrchestratorMessage } from './messages.js';
import type { ActivityRegistry } from './registry.js';

export interface ActivityWorkerOptions extends LeasedWorkOptions {
  activities: ActivityRegistry;
  /** Size limit of one stored value (the activity's result). */
  maxPayloadBytes: number;
  /** Deliveries of one work item before it fails as poison instead of running again. */
  maxAttempts: number;
  /**
   * This runtime does not register the activity: a delay to leave it for another runtime, or
   * the error to fail it with once that wait is over.
   */
  onUnknownActivity: (item: ActivityWorkItem, error: UnknownActivityError) => number | ErrorDetails;
  onTrace?: (instanceId: string, level: TraceLevel, message: string, fields?: Record<string, unknown>) => void;
  onError: (where: string, err: unknown) => void;
  telemetry?: Telemetry;
  /** A queued run finished (how long it took): inline activities learn which ones are short. */
  onRun?: (name: string, durationMs: number) => void;
}

export async function runActivityItem(locked: LeasedItem, opts: ActivityWorkerOptions): Promise<void> {
  const item = locked.item as ActivityWorkItem;
  const base = { instanceId: item.instanceId, executionId: item.executionId, sourceEventId: item.eventId };
  let refusal: ErrorDetails | null = poisonDetails(`Activity "${item.name}"`, locked.attempt, opts.maxAttempts);
  if (!refusal && !opts.activities.has(item.name)) {
    const decision = opts.onUnknownActivity(item, new UnknownActivityError(item.name, opts.activities.names()));
    if (typeof decision === 'number') {
      await opts.store.abandonWorkItem(locked.lockToken, { delayMs: decision, countAttempt: false }).catch(() => {});
      return;
    }
    refusal = decision;
  }
  await runLeasedWorkItem(
    locked,
    opts,
    async (stop, fence): Promise<OrchestratorMessage> => {
      if (refusal) return { kind: 'ActivityFailed', ...base, error: refusal };
      // Never start an activity whose lease another worker may hold now; the synchronous check
      // also covers a freeze between the proof and the start.
      do await fence();
      while (!fence.heldNow());
      const startedAt = performance.now();
      const completion = await executeActivity(item, locked.attempt, stop, opts);
      opts.onRun?.(item.name, performance.now() - startedAt);
      return completion;
    },
    ACTIVITY_POINTS,
  );
}

const ACTIVITY_POINTS = { beforeRun: 'before-activity-run', afterRun: 'after-activity-run', beforeAck: 'before-activity-ack', afterAck: 'after-activity-ack' } as const;

/** Runs a registered activity's function; its outcome as the completion message (never throws). */
export async function executeActivity(
  item: ActivityWorkItem,
  attempt: number,
  stop: StopSignal,
  opts: Pick<ActivityWorkerOptions, 'activities' | 'maxPayloadBytes' | 'telemetry' | 'onTrace'>,
): Promise<OrchestratorMessage> {
  const base = { instanceId: item.instanceId, executionId: item.executionId, sourceEventId: item.eventId };
  try {
    const registered = opts.activities.resolve(item.name);
    const run = async () => registered.fn(activityContext(item, attempt, stop, opts), item.input);
    const result = await (opts.telemetry?.tracing ? opts.telemetry.inSpan(item.instanceId, `activity ${item.name}`, activityAttributes(item, attempt), run) : run());
    const json = checkedJson(result, `Result of activity "${item.name}"`, opts.maxPayloadBytes);
    return { kind: 'ActivityCompleted', ...base, result: json };
  } catch (err) {
    return { kind: 'ActivityFailed', ...base, error: toErrorDetails(err, isPermanent(err) ? false : undefined) };
  }
}

/**
 * An activity that started inline (in its turn, before the turn was committed) and outlived the
 * inline budget: its turn was committed with its work item locked for this worker, and the run
 * goes on under that item's lease, acked like any other.
 */
export async function adoptRunningActivity(locked: LeasedItem, running: Promise<OrchestratorMessage>, stop: InlineStop, opts: ActivityWorkerOptions): Promise<void> {
  await runLeasedWorkItem(
    locked,
    opts,
    async (lease) => {
      stop.follow(lease);
      return running;
    },
    ACTIVITY_POINTS,
  );
}

/** The stop signal of an inline run: aborted by hand, or by the lease it is later adopted under. */
export class InlineStop extends LazyAbort implements StopSignal {
  /** From now on the run also stops when `lease` says so. */
  follow(lease: StopSignal): void {
    if (lease.aborted) this.abort(lease.signal.reason);
    else lease.signal.addEventListener('abort', () => this.abort(lease.signal.reason), { once: true });
  }
}

function activityAttributes(item: ActivityWorkItem, attempt: number) {
  return { 'duroxide.instance_id': item.instanceId, 'duroxide.orchestration.name': item.orchestrationName, 'duroxide.activity.name': item.name, 'duroxide.activity.attempt': attempt };
}

/** Failures that no retry can fix: the activity fails at once. */
function isPermanent(err: unknown): boolean {
  return err instanceof UnknownActivityError || err instanceof NonJsonValueError || err instanceof PayloadTooLargeError;
}

function activityContext(
  item: ActivityWorkItem,
  attempt: number,
  stop: StopSignal,
  opts: Pick<ActivityWorkerOptions, 'onTrace'>,
): ActivityContext {
  return {
    instanceId: item.instanceId,
    executionId: item.executionId,
    orchestrationName: item.orchestrationName,
    activityName: item.name,
    attempt,
    get signal() {
      return stop.signal;
    },
    isCancelled: () => stop.aborted,
    trace: (level, message, fields) => opts.onTrace?.(item.instanceId, level, message, { activity: item.name, ...fields }),
  };
}
