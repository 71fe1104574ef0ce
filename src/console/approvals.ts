/**
 * The approvals inbox: every running instance waiting on an event, and in particular every
 * agent action waiting for `approval:<actionId>`, with its tool, parameters, the agent's thought
 * and the time left. A decision raises that event with who decided and when in its data.
 */
import type { HistoryEvent, Json } from '../runtime/history.js';
import type { InstanceInfo } from '../store/store.js';

export interface PendingWait {
  instanceId: string;
  orchestration: string;
  /** The event name the instance waits for. */
  event: string;
  sinceMs: number;
  /** When a timer raced against the wait fires (the approval times out), if there is one. */
  deadlineMs?: number;
  /** Set for an agent action waiting for approval. */
  approval?: { actionId: string; tool: string; params: Json; thought?: string; iteration?: number };
}

export interface ApprovalDecision {
  approved: boolean;
  reason?: string;
  /** Who decided (console user, CLI user). */
  decidedBy: string;
  decidedAtMs: number;
  via: 'console' | 'cli' | 'api';
}

interface PendingApprovalStatus {
  iteration?: number;
  step?: string;
  thought?: string;
  pendingApproval?: { actionId: string; tool: string; params: Json };
}

/** The waits of one running instance, from its current execution's history. */
export function pendingWaits(info: InstanceInfo, history: HistoryEvent[]): PendingWait[] {
  const arrived = new Map<string, number>();
  for (const e of history) if (e.kind === 'ExternalEvent') arrived.set(e.name, (arrived.get(e.name) ?? 0) + 1);
  const fired = new Set<number>();
  for (const e of history) if (e.kind === 'TimerFired') fired.add(e.sourceEventId);
  const status = (info.customStatus ?? null) as PendingApprovalStatus | null;
  const waits: PendingWait[] = [];
  const seen = new Map<string, number>();
  for (const e of history) {
    if (e.kind !== 'ExternalSubscribed') continue;
    const k = seen.get(e.name) ?? 0;
    seen.set(e.name, k + 1);
    if (k < (arrived.get(e.name) ?? 0)) continue;
    // A timer of the same turn still pending is the wait's deadline (ctx.race(event, timer)).
    const timer = history.find((t) => t.kind === 'TimerCreated' && t.timestampMs === e.timestampMs && t.eventId > e.eventId && !fired.has(t.eventId));
    const wait: PendingWait = {
      instanceId: info.instanceId,
      orchestration: info.name,
      event: e.name,
      sinceMs: e.timestampMs,
      ...(timer && timer.kind === 'TimerCreated' ? { deadlineMs: timer.fireAtMs } : {}),
    };
    const pending = status?.pendingApproval;
    if (e.name.startsWith('approval:') && pending && `approval:${pending.actionId}` === e.name) {
      wait.approval = {
        actionId: pending.actionId,
        tool: pending.tool,
        params: pending.params,
        ...(status.thought !== undefined ? { thought: status.thought } : {}),
        ...(status.iteration !== undefined ? { iteration: status.iteration } : {}),
      };
    }
    waits.push(wait);
  }
  return waits;
}
