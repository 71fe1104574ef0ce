/** Messages, events and commits the conformance cases build their scenarios from. */
import type { HistoryEvent } from '../../runtime/history.js';
import type { OrchestratorMessage, StartOrchestrationMessage, WorkItem } from '../../runtime/messages.js';
import type { InstanceUpdate, TurnCommit } from '../store.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A lease no case outlives. */
export const LONG = 30_000;
/** A lease a case waits out: lock expiry is tested with short leases and short waits. */
export const SHORT = 60;

export function start(instanceId: string, name = 'flow'): StartOrchestrationMessage {
  return { kind: 'StartOrchestration', instanceId, name, input: { n: 1 } };
}
export function event(instanceId: string, name: string, data: unknown = null): OrchestratorMessage {
  return { kind: 'ExternalEvent', instanceId, name, data: data as never };
}
export function activity(instanceId: string, eventId: number, queue: 'activity' | 'llm' = 'activity'): WorkItem {
  return queue === 'activity'
    ? { queue, kind: 'ExecuteActivity', instanceId, executionId: 1, eventId, name: 'act', input: eventId, orchestrationName: 'flow' }
    : { queue, kind: 'ExecuteLlm', instanceId, executionId: 1, eventId, operation: 'generate', provider: 'default', request: { prompt: 'hi' } };
}
export function started(eventId = 1, executionId = 1): HistoryEvent {
  return { kind: 'OrchestrationStarted', eventId, timestampMs: 1, name: 'flow', version: '1.0.0', input: null, executionId };
}
export function timerCreated(eventId: number): HistoryEvent {
  return { kind: 'TimerCreated', eventId, timestampMs: 1, fireAtMs: 2 };
}
export const running: InstanceUpdate = { name: 'flow', version: '1.0.0', status: 'Running' };
export function commit(partial: Partial<TurnCommit> = {}): TurnCommit {
  return { executionId: 1, historyDelta: [], instance: running, workItems: [], orchestratorMessages: [], ...partial };
}
