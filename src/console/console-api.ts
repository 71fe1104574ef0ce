/**
 * What the console and the `instances` / `approvals` commands read and do, over a Store only
 * (no dispatchers): so it works while runtimes on other machines write to the same store.
 */
import { AGENT_ORCHESTRATION } from '../agent/agent-orchestration.js';
import { readAgentTranscript } from '../agent/agent-client.js';
import type { TranscriptEntry } from '../agent/transcript.js';
import { Client } from '../runtime/client.js';
import type { HistoryEvent, Json } from '../runtime/history.js';
import { DEFAULT_HISTORY_WARNING_BYTES } from '../store/history-size.js';
import type { InstanceInfo, InstanceQuery, InstanceStatus, Store } from '../store/store.js';
import { pendingWaits, type ApprovalDecision, type PendingWait } from './approvals.js';
import { DiagramCatalog, type ConsoleDiagram } from './diagram-records.js';
import { historySize, type HistorySize } from './history-size-view.js';
import { costOf, llmLedger, tokenTotals, type LlmLedgerView, type PriceTable } from './llm-calls.js';
import { overlayRun, type Overlay } from './overlay.js';
import { buildTimeline, type Timeline } from './timeline.js';

export const STATUSES: InstanceStatus[] = ['Pending', 'Running', 'Completed', 'Failed', 'Cancelled'];

export interface ConsoleApiOptions {
  /** With `--source DIR`: draw diagrams from source when the store has no record. */
  sourceDir?: string;
  /** USD per million tokens by model, for costs. */
  prices?: PriceTable;
  /** The instance view warns when the current execution's history reaches this many JSON characters (default 10,000,000). */
  historyWarningBytes?: number;
}

export interface InstanceRow extends InstanceInfo {
  llm: { input: number; output: number; calls: number; costUsd: number | null };
}

export interface InstanceListPage {
  instances: InstanceRow[];
  total: number;
  counts: Partial<Record<InstanceStatus, number>>;
  limit: number;
  offset: number;
}

export interface ExecutionSummary {
  executionId: number;
  startedAtMs: number;
  endedAtMs: number | null;
  outcome: 'running' | 'completed' | 'failed' | 'continued';
  input: Json;
  events: number;
}

export interface InstanceDetail {
  instance: InstanceInfo;
  executions: ExecutionSummary[];
  /** The execution the overlay, timeline and history are for. */
  executionId: number;
  parent: { instanceId: string; name: string; status: InstanceStatus } | null;
  children: { instanceId: string; name: string; status: InstanceStatus | 'Unknown' }[];
  /** For a NondeterminismError: where the code made the mismatching call. */
  codeSite: string | null;
  input: Json;
  diagram: ConsoleDiagram | null;
  overlay: Overlay | null;
  timeline: Timeline;
  ledger: LlmLedgerView;
  transcript: TranscriptEntry[] | null;
  waits: PendingWait[];
  historyLength: number;
  /** The current execution's size, with a warning past the threshold. */
  historySize: HistorySize;
}

export class InstanceNotFound extends Error {
  constructor(readonly instanceId: string) {
    super(`No instance "${instanceId}" in this store.`);
  }
}

export class NotWaitingError extends Error {}

export type ListQuery = Omit<InstanceQuery, 'orderBy' | 'updatedAfterMs'>;

export class ConsoleApi {
  readonly client: Client;
  private readonly diagrams: DiagramCatalog;
  private readonly prices: PriceTable;
  private readonly historyWarningBytes: number;
  /** Token totals by instance, valid while the instance's updatedAtMs is unchanged. */
  private readonly usage = new Map<string, { updatedAtMs: number; usage: InstanceRow['llm'] }>();

  constructor(
    readonly store: Store,
    opts: ConsoleApiOptions = {},
  ) {
    this.client = new Client(store);
    this.diagrams = new DiagramCatalog(store, opts.sourceDir);
    this.prices = opts.prices ?? {};
    this.historyWarningBytes = opts.historyWarningBytes ?? DEFAULT_HISTORY_WARNING_BYTES;
  }

  async init(): Promise<void> {
    await this.store.init();
  }

  /** A filtered page of instances (newest first), the total, and counts per status. */
  async list(q: ListQuery = {}): Promise<InstanceListPage> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const offset = Math.max(q.offset ?? 0, 0);
    const { status: _status, ...countFilter } = q;
    const [page, counts] = await Promise.all([this.query({ ...q, limit, offset }), this.counts(countFilter)]);
    await this.prefetchUsage(page.instances);
    const instances = await Promise.all(page.instances.map(async (i) => ({ ...i, llm: await this.instanceUsage(i) })));
    return { instances, total: page.total, counts, limit, offset };
  }

  /** Instances changed after `sinceMs` (for live updates), most recent first. */
  async changedSince(sinceMs: number, limit = 200): Promise<InstanceInfo[]> {
    return (await this.query({ updatedAfterMs: sinceMs, orderBy: 'updated', limit })).instances;
  }

  private async query(q: InstanceQuery): Promise<{ instances: InstanceInfo[]; total: number }> {
    if (this.store.queryInstances) return this.store.queryInstances(q);
    // A store without management reads: filter a full listing here.
    const key = q.orderBy === 'updated' ? 'updatedAtMs' : 'createdAtMs';
    const all = (await this.store.listInstances({ ...(q.status ? { status: q.status } : {}), ...(q.name ? { name: q.name } : {}) }))
      .filter((i) => matches(i, q))
      .sort((a, b) => b[key] - a[key] || (a.instanceId < b.instanceId ? 1 : -1));
    const offset = q.offset ?? 0;
    return { instances: all.slice(offset, q.limit === undefined ? undefined : offset + q.limit), total: all.length };
  }

  private async counts(q: Omit<InstanceQuery, 'status' | 'limit' | 'offset' | 'orderBy'>): Promise<Partial<Record<InstanceStatus, number>>> {
    if (this.store.countInstancesByStatus) return this.store.countInstancesByStatus(q);
    const counts: Partial<Record<InstanceStatus, number>> = {};
    for (const i of (await this.query(q)).instances) counts[i.status] = (counts[i.status] ?? 0) + 1;
    return counts;
  }

  /** Token totals of the rows not cached yet, in one store read when the store can. */
  private async prefetchUsage(rows: InstanceInfo[]): Promise<void> {
    if (!this.store.summarizeLlmUsage) return;
    const stale = rows.filter((i) => this.usage.get(i.instanceId)?.updatedAtMs !== i.updatedAtMs);
    if (!stale.length) return;
    const summaries = await this.store.summarizeLlmUsage(stale.map((i) => i.instanceId));
    if (this.usage.size > 20_000) this.usage.clear();
    for (const i of stale) {
      const s = summaries[i.instanceId];
      const usage = s ? { input: s.input, output: s.output, calls: s.calls, costUsd: costOf(s.byModel, this.prices) } : { input: 0, output: 0, calls: 0, costUsd: 0 };
      this.usage.set(i.instanceId, { updatedAtMs: i.updatedAtMs, usage });
    }
  }

  private async instanceUsage(i: InstanceInfo): Promise<InstanceRow['llm']> {
    const hit = this.usage.get(i.instanceId);
    if (hit && hit.updatedAtMs === i.updatedAtMs) return hit.usage;
    const byModel: Record<string, { input: number; output: number }> = {};
    const total = { input: 0, output: 0, calls: 0 };
    for (const executionId of i.executionId > 0 ? await this.store.listExecutions(i.instanceId) : []) {
      const t = tokenTotals(await this.store.readHistory(i.instanceId, executionId));
      total.input += t.input;
      total.output += t.output;
      total.calls += t.calls;
      for (const [m, u] of Object.entries(t.byModel)) {
        const x = (byModel[m] ??= { input: 0, output: 0 });
        x.input += u.input;
        x.output += u.output;
      }
    }
    const usage = { ...total, costUsd: costOf(byModel, this.prices) };
    if (this.usage.size > 20_000) this.usage.clear();
    this.usage.set(i.instanceId, { updatedAtMs: i.updatedAtMs, usage });
    return usage;
  }

  async instance(instanceId: string, opts: { executionId?: number } = {}): Promise<InstanceDetail> {
    const info = await this.store.getInstance(instanceId);
    if (!info) throw new InstanceNotFound(instanceId);
    const executionIds = await this.store.listExecutions(instanceId);
    const histories = await Promise.all(executionIds.map(async (executionId) => ({ executionId, history: await this.store.readHistory(instanceId, executionId) })));
    const executionId = opts.executionId && executionIds.includes(opts.executionId) ? opts.executionId : (executionIds[executionIds.length - 1] ?? 0);
    const history = histories.find((h) => h.executionId === executionId)?.history ?? [];
    const current = histories[histories.length - 1] ?? { executionId: 0, history: [] };
    const started = history.find((e) => e.kind === 'OrchestrationStarted');
    const version = started?.kind === 'OrchestrationStarted' ? started.version : info.version;
    const diagram = await this.diagrams.find(info.name, version);
    const overlay = diagram ? overlayRun(diagram.graph, diagram.file, history) : null;
    const nodeByEvent = new Map<number, string>();
    for (const n of Object.values(overlay?.nodes ?? {})) for (const id of n.eventIds) nodeByEvent.set(id, n.nodeId);
    const nodeOf = (eventId: number) => nodeByEvent.get(eventId);
    const firstInput = histories[0]?.history.find((e) => e.kind === 'OrchestrationStarted');
    const input = started?.kind === 'OrchestrationStarted' ? started.input : null;
    const agentInput = firstInput?.kind === 'OrchestrationStarted' ? firstInput.input : undefined;
    return {
      instance: info,
      executions: histories.map(({ executionId: id, history: h }) => summarise(id, h)),
      executionId,
      parent: await this.parentOf(info),
      children: await this.childrenOf(histories.flatMap((h) => h.history)),
      codeSite: info.error?.name === 'NondeterminismError' ? (/ at (?:.*\()?([^\s()]+:\d+:\d+)\)?/.exec(info.error.message)?.[1] ?? null) : null,
      input,
      diagram,
      overlay,
      timeline: buildTimeline(history, nodeOf, Date.now()),
      ledger: llmLedger(histories, agentInput, this.prices, Date.now()),
      transcript: info.name === AGENT_ORCHESTRATION ? await this.transcript(info, history) : null,
      waits: info.status === 'Running' ? pendingWaits(info, history) : [],
      historyLength: history.length,
      historySize: historySize(current.executionId, current.history, this.historyWarningBytes),
    };
  }

  /** One execution's raw history, a page of it. */
  async history(
    instanceId: string,
    opts: { executionId?: number; offset?: number; limit?: number; eventIds?: number[] } = {},
  ): Promise<{ executionId: number; events: HistoryEvent[]; total: number }> {
    const info = await this.store.getInstance(instanceId);
    if (!info) throw new InstanceNotFound(instanceId);
    const executionId = opts.executionId ?? info.executionId;
    let events = await this.store.readHistory(instanceId, executionId);
    if (opts.eventIds) {
      // A step's events: its schedules and what completed them.
      const ids = new Set(opts.eventIds);
      events = events.filter((e) => ids.has(e.eventId) || ('sourceEventId' in e && ids.has(e.sourceEventId)));
    }
    const offset = opts.offset ?? 0;
    return { executionId, events: events.slice(offset, opts.limit === undefined ? undefined : offset + opts.limit), total: events.length };
  }

  private async parentOf(info: InstanceInfo): Promise<InstanceDetail['parent']> {
    if (!info.parentInstanceId) return null;
    const p = await this.store.getInstance(info.parentInstanceId);
    return p ? { instanceId: p.instanceId, name: p.name, status: p.status } : { instanceId: info.parentInstanceId, name: '?', status: 'Pending' };
  }

  private async childrenOf(events: HistoryEvent[]): Promise<InstanceDetail['children']> {
    const ids = [...new Set(events.flatMap((e) => (e.kind === 'SubOrchestrationScheduled' ? [e.instanceId] : [])))].slice(0, 100);
    return Promise.all(
      ids.map(async (id) => {
        const c = await this.store.getInstance(id);
        return { instanceId: id, name: c?.name ?? '?', status: c?.status ?? ('Unknown' as const) };
      }),
    );
  }

  private async transcript(info: InstanceInfo, current: HistoryEvent[]): Promise<TranscriptEntry[]> {
    const entries = await readAgentTranscript(this.client, info.instanceId);
    if (info.status !== 'Running') return entries;
    // The iteration in progress: its plan is the last LLM answer, its approvals the events seen.
    const plan = [...current].reverse().find((e) => e.kind === 'LlmCompleted');
    const iteration = (current.find((e) => e.kind === 'OrchestrationStarted') as { input?: { state?: { iteration?: number } } } | undefined)?.input?.state?.iteration ?? 0;
    let result: unknown = plan?.kind === 'LlmCompleted' ? plan.result : null;
    if (typeof result === 'string') {
      try {
        result = JSON.parse(result);
      } catch {
        result = null;
      }
    }
    if (result && typeof result === 'object' && 'thought' in result) {
      const p = result as { thought: string; actions?: { tool: string; id: string; params: unknown }[]; parallel?: boolean; done?: boolean };
      entries.push({ iteration: iteration + 1, kind: 'plan', thought: p.thought, actions: p.actions ?? [], parallel: p.parallel ?? false, done: p.done ?? false });
    }
    return entries;
  }

  /** Every running instance waiting on an event (agent approvals first), newest first. */
  async waits(opts: { approvalsOnly?: boolean; limit?: number } = {}): Promise<PendingWait[]> {
    const running = (await this.query({ status: 'Running', orderBy: 'updated', limit: opts.limit ?? 500 })).instances;
    const out: PendingWait[] = [];
    for (const info of running) {
      const status = info.customStatus as { pendingApproval?: unknown } | undefined;
      if (opts.approvalsOnly && !status?.pendingApproval) continue;
      const waits = pendingWaits(info, await this.store.readHistory(info.instanceId));
      out.push(...(opts.approvalsOnly ? waits.filter((w) => w.approval) : waits));
    }
    return out.sort((a, b) => Number(Boolean(b.approval)) - Number(Boolean(a.approval)) || b.sinceMs - a.sinceMs);
  }

  // ----- actions -----

  async cancel(instanceId: string, reason?: string): Promise<void> {
    await this.requireInstance(instanceId);
    await this.client.cancelInstance(instanceId, reason || 'cancelled from the console');
  }

  async raise(instanceId: string, event: string, data: Json): Promise<void> {
    await this.requireInstance(instanceId);
    await this.client.raiseEvent(instanceId, event, data);
  }

  async start(name: string, input: Json, opts: { instanceId?: string; version?: string } = {}): Promise<string> {
    return this.client.startOrchestration(name, input, opts);
  }

  /** Approves or rejects an agent action waiting for `approval:<actionId>`. */
  async decide(instanceId: string, actionId: string, decision: Omit<ApprovalDecision, 'decidedAtMs'>): Promise<ApprovalDecision> {
    const info = await this.requireInstance(instanceId);
    const waiting = info.status === 'Running' && pendingWaits(info, await this.store.readHistory(instanceId)).some((w) => w.event === `approval:${actionId}`);
    if (!waiting) throw new NotWaitingError(`Instance "${instanceId}" is not waiting for approval of action "${actionId}" (status ${info.status}).`);
    const data: ApprovalDecision = { ...decision, decidedAtMs: Date.now() };
    await this.client.raiseEvent(instanceId, `approval:${actionId}`, data as unknown as Json);
    return data;
  }

  private async requireInstance(instanceId: string): Promise<InstanceInfo> {
    const info = await this.store.getInstance(instanceId);
    if (!info) throw new InstanceNotFound(instanceId);
    return info;
  }
}

function matches(i: InstanceInfo, q: InstanceQuery): boolean {
  return (
    (q.idContains === undefined || i.instanceId.includes(q.idContains)) &&
    (q.createdFromMs === undefined || i.createdAtMs >= q.createdFromMs) &&
    (q.createdToMs === undefined || i.createdAtMs < q.createdToMs) &&
    (q.updatedAfterMs === undefined || i.updatedAtMs > q.updatedAfterMs) &&
    (q.name === undefined || i.name === q.name) &&
    (q.status === undefined || i.status === q.status)
  );
}

function summarise(executionId: number, h: HistoryEvent[]): ExecutionSummary {
  const start = h.find((e) => e.kind === 'OrchestrationStarted');
  const end = h.find((e) => e.kind === 'OrchestrationCompleted' || e.kind === 'OrchestrationFailed' || e.kind === 'OrchestrationContinuedAsNew');
  return {
    executionId,
    startedAtMs: h[0]?.timestampMs ?? 0,
    endedAtMs: end?.timestampMs ?? null,
    outcome: !end ? 'running' : end.kind === 'OrchestrationCompleted' ? 'completed' : end.kind === 'OrchestrationFailed' ? 'failed' : 'continued',
    input: start?.kind === 'OrchestrationStarted' ? start.input : null,
    events: h.length,
  };
}
