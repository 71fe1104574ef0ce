/**
 * The store conformance kit: one set of named cases that every Store must pass unchanged.
 * Call `runStoreConformance(makeStore)` from a vitest test file; each case gets a fresh store
 * from `makeStore` and closes it afterwards. One file per concern; this one only says which
 * cases run under which heading.
 *
 * Everything a Store author implements against is exported here too, so a store in another
 * package needs only `duroxide-llm/conformance` (the main entry exports the same types).
 */
import { describe } from 'vitest';
import type { Store } from '../store.js';
import { cancellationCases } from './cancellation.js';
import { concurrencyCases, simultaneousAckCases } from './concurrency.js';
import { delayedMessageCases, delayedWorkCases } from './delayed-visibility.js';
import { fetchOnAckCases } from './fetch-on-ack.js';
import { executionHistoryCases } from './history.js';
import { instanceCases } from './instances.js';
import { managementReadCases } from './management-reads.js';
import { storeKit, type StoreKit } from './kit.js';
import { orchestrationLeaseCases, workItemLeaseCases } from './leases.js';
import { notificationCases } from './notifications.js';
import { orchestratorFetchCases, turnCommitCases } from './orchestrator-queue.js';
import { attemptCases } from './poison.js';
import { rateWindowCases } from './rate-windows.js';
import { workQueueCases } from './work-queue.js';

export interface ConformanceOptions {
  /** A label for the describe block (e.g. the store's class name). */
  name?: string;
}

/** Each heading of the test output and, in order, the case lists under it. */
const SECTIONS: [heading: string, cases: ((kit: StoreKit) => void)[]][] = [
  ['instances', [instanceCases]],
  ['orchestrator queue', [orchestratorFetchCases, turnCommitCases, orchestrationLeaseCases, delayedMessageCases]],
  ['cancelled schedules', [cancellationCases]],
  ['attempts and poison counting', [attemptCases]],
  ['continue-as-new executions', [executionHistoryCases]],
  ['work queue', [workQueueCases, workItemLeaseCases, delayedWorkCases]],
  ['concurrency', [concurrencyCases, simultaneousAckCases]],
  ['optional capabilities', [notificationCases, rateWindowCases, fetchOnAckCases, managementReadCases]],
];

export function runStoreConformance(makeStore: () => Store | Promise<Store>, opts: ConformanceOptions = {}): void {
  describe(`store conformance${opts.name ? `: ${opts.name}` : ''}`, () => {
    const kit = storeKit(makeStore);
    for (const [heading, cases] of SECTIONS) describe(heading, () => cases.forEach((register) => register(kit)));
  });
}

export type { StoreKit } from './kit.js';

// The contract a store implements, for authors of stores outside this package.
export type {
  Store,
  OrchestrationItem,
  TurnCommit,
  LockedWorkItem,
  InstanceInfo,
  InstanceStatus,
  InstanceUpdate,
  KnownHistory,
  QueuedMessage,
  ListInstancesOptions,
  RateLimitRequest,
  QueueName,
  InstanceQuery,
  InstancePage,
  DiagramRecord,
} from '../store.js';
export { TERMINAL_STATUSES } from '../store.js';
export { StoreError, LockLostError, InstanceAlreadyExistsError, StoreFormatError } from '../errors.js';
export type { HistoryEvent, HistoryEventKind, Json, ErrorDetails, LlmUsage } from '../../runtime/history.js';
export type {
  OrchestratorMessage,
  StartOrchestrationMessage,
  ContinueAsNewMessage,
  ActivityCompletedMessage,
  ActivityFailedMessage,
  TimerFiredMessage,
  SubOrchestrationCompletedMessage,
  SubOrchestrationFailedMessage,
  LlmCompletedMessage,
  LlmFailedMessage,
  ExternalEventMessage,
  CancelInstanceMessage,
  CompletionMessage,
  ActivityWorkItem,
  LlmWorkItem,
  WorkItem,
  WorkQueueName,
} from '../../runtime/messages.js';
