/**
 * The run overlaid on its diagram: which FlowGraph node each history event belongs to, and the
 * state of every node (done, waiting, failed, cancelled race loser, not taken, not yet reached).
 *
 * Events map to nodes by the code site the runtime records on schedule events (file and line of
 * the ctx call against the node's `line`), so loops, fan-out, helpers and try/catch map exactly.
 * Name and order are only the fallback, for histories recorded without sites or a diagram drawn
 * from other source positions.
 */
import type { FlowGraph, FlowNode, FlowNodeKind } from '../diagram/flow-graph.js';
import type { HistoryEvent } from '../runtime/history.js';
import { isSchedule, settlement, viewOf, type ScheduleLike as ScheduleEvent } from './schedule-views.js';

export type NodeState = 'done' | 'waiting' | 'failed' | 'cancelled' | 'passed' | 'not_taken' | 'pending';

export interface NodeRun {
  nodeId: string;
  state: NodeState;
  /** Calls that ran this step (loop iterations, fan-out branches); retries are attempts of one call. */
  count: number;
  attempts: number;
  /** Schedule event ids mapped to this node, in history order. */
  eventIds: number[];
  /** Child instance ids of sub-orchestration steps. */
  children?: string[];
}

export interface Overlay {
  nodes: Record<string, NodeRun>;
  /** How events were matched: by recorded code site, by name and order, or a mix. */
  matchedBy: 'site' | 'name' | 'mixed' | 'none';
  /** Schedule events that belong to no node (retry backoff timers, activity timeouts). */
  unmapped: number[];
}

const STEP_KINDS = new Set<FlowNodeKind>(['activity', 'timer', 'event', 'sub_orchestration', 'llm']);

const scheduleName = (e: ScheduleEvent) => viewOf(e).name(e);

/** `file:line:column` (optionally a file:// URL) split into its parts. */
export function parseSite(site: string): { file: string; line: number; column: number } | null {
  const m = /^(.*):(\d+):(\d+)$/.exec(site);
  if (!m) return null;
  let file = m[1];
  if (file.startsWith('file://')) file = decodeURIComponent(file.slice('file://'.length));
  return { file: file.replace(/\\/g, '/'), line: Number(m[2]), column: Number(m[3]) };
}

function sameFile(siteFile: string, flowFile: string | undefined): boolean {
  if (!flowFile) return true;
  const f = flowFile.replace(/\\/g, '/').replace(/^\.\//, '');
  return siteFile === f || siteFile.endsWith(`/${f}`);
}

interface Mapping {
  byEvent: Map<number, string>;
  /** Events that continue the call before them (retry attempts, LLM re-asks). */
  continued: Set<number>;
  unmapped: number[];
  bySite: number;
  byName: number;
}

/** Assigns each schedule event to a node id, or to none. */
function mapEvents(graph: FlowGraph, file: string | undefined, schedules: ScheduleEvent[], failedSchedules: Set<number>): Mapping {
  const steps = graph.nodes.filter((n) => STEP_KINDS.has(n.kind));
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const byEvent = new Map<number, string>();
  const continued = new Set<number>();
  const unmapped: number[] = [];
  /** The latest mapped schedule per kind and name: what a retry or re-ask without a site continues. */
  const lastMapped = new Map<string, ScheduleEvent>();
  let bySite = 0;
  let byName = 0;
  const anySite = schedules.some((e) => e.site && parseSite(e.site) && sameFile(parseSite(e.site)!.file, file));
  let lastIndex = -1;
  for (const e of schedules) {
    const kind = viewOf(e).node;
    const name = scheduleName(e);
    const site = e.site ? parseSite(e.site) : null;
    let node: FlowNode | undefined;
    if (site && sameFile(site.file, file)) {
      const here = steps.filter((n) => n.kind === kind && n.line === site.line);
      const named = here.filter((n) => n.name === name);
      const pool = named.length ? named : here.length === 1 ? here : [];
      // One source line drawn as several nodes (a helper inlined at each call): the next one in flow order.
      node = pool.length > 1 ? (pool.find((n) => (order.get(n.id) ?? 0) > lastIndex) ?? pool[0]) : pool[0];
      if (node) bySite++;
      else if (anySite) {
        unmapped.push(e.eventId); // a ctx call the diagram does not draw (e.g. an activity's timeout timer)
        continue;
      }
    } else if (anySite) {
      // No site of its own: a retry attempt or an LLM re-ask continues the call before it.
      const same = lastMapped.get(`${e.kind}\u0000${name}`);
      if (same && e.kind !== 'TimerCreated' && (e.kind === 'LlmRequested' || failedSchedules.has(same.eventId))) {
        byEvent.set(e.eventId, byEvent.get(same.eventId)!);
        continued.add(e.eventId);
        lastMapped.set(`${e.kind}\u0000${name}`, e);
        continue;
      }
      unmapped.push(e.eventId); // e.g. a retry's backoff timer
      continue;
    }
    if (!node) {
      const candidates = steps.filter((n) => n.kind === kind && (name === undefined || n.name === name || (kind === 'llm' && !n.name)));
      node = candidates.find((n) => (order.get(n.id) ?? 0) > lastIndex) ?? candidates[0];
      if (node) byName++;
    }
    if (node) {
      byEvent.set(e.eventId, node.id);
      lastMapped.set(`${e.kind}\u0000${name}`, e);
      lastIndex = order.get(node.id) ?? lastIndex;
    } else {
      unmapped.push(e.eventId);
    }
  }
  return { byEvent, continued, unmapped, bySite, byName };
}

/** Nodes reachable from `from` (forward or backward), never walking through a `blocked` node. */
function reach(graph: FlowGraph, from: Iterable<string>, forward: boolean, blocked: (id: string) => boolean = () => false): Set<string> {
  const adj = new Map<string, string[]>();
  for (const e of graph.edges) {
    const [a, b] = forward ? [e.from, e.to] : [e.to, e.from];
    adj.set(a, [...(adj.get(a) ?? []), b]);
  }
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of adj.get(id) ?? []) if (!blocked(next)) stack.push(next);
  }
  return seen;
}

/**
 * The overlay of one execution. `history` is that execution's events; `terminal` says whether
 * it has ended (then nothing is still waiting, and what never ran was not taken).
 */
export function overlayRun(graph: FlowGraph, file: string | undefined, history: HistoryEvent[]): Overlay {
  const schedules = history.filter(isSchedule);
  // Settled by a completion, an arrival (the n-th wait takes the n-th event) or at once; race
  // losers the runtime dropped (ScheduleCancelled) are known, older histories are inferred below.
  const { settled, completions, dropped: given } = settlement(history);
  const failed = new Set([...completions].filter(([, c]) => c.kind.endsWith('Failed')).map(([id]) => id));
  const terminalEvent = history.find((e) => e.kind === 'OrchestrationCompleted' || e.kind === 'OrchestrationFailed' || e.kind === 'OrchestrationContinuedAsNew');
  const cancelled = history.some((e) => e.kind === 'OrchestrationCancelRequested') && terminalEvent?.kind === 'OrchestrationFailed';
  const terminal = terminalEvent !== undefined;
  const map = mapEvents(graph, file, schedules, failed);
  const isDone = (s: ScheduleEvent) => settled.has(s.eventId);

  // A pending event lost a race when a sibling of its turn completed and the code went on past it.
  const lastScheduleId = schedules.length ? schedules[schedules.length - 1].eventId : 0;
  const byTurn = new Map<number, ScheduleEvent[]>();
  for (const e of schedules) {
    const turn = byTurn.get(e.timestampMs);
    if (turn) turn.push(e);
    else byTurn.set(e.timestampMs, [e]);
  }
  const lostRace = (s: ScheduleEvent) =>
    given.has(s.eventId) ||
    (byTurn.get(s.timestampMs) ?? []).some((sib) => sib !== s && isDone(sib) && lastScheduleId > (completions.get(sib.eventId)?.eventId ?? Infinity));
  const scheduleById = new Map(schedules.map((e) => [e.eventId, e]));

  const nodes: Record<string, NodeRun> = {};
  for (const s of schedules) {
    const id = map.byEvent.get(s.eventId);
    if (!id) continue;
    const run = (nodes[id] ??= { nodeId: id, state: 'done', count: 0, attempts: 0, eventIds: [] });
    run.attempts++;
    if (!map.continued.has(s.eventId)) run.count++;
    run.eventIds.push(s.eventId);
    if (s.kind === 'SubOrchestrationScheduled') (run.children ??= []).push(s.instanceId);
  }
  for (const run of Object.values(nodes)) {
    const evs = run.eventIds.map((id) => scheduleById.get(id)!);
    const lastEvent = evs[evs.length - 1];
    if (evs.some((s) => !isDone(s) && !lostRace(s))) run.state = terminal ? 'cancelled' : 'waiting';
    else if (evs.every((s) => given.has(s.eventId) && !isDone(s))) run.state = 'cancelled';
    else if (failed.has(lastEvent.eventId)) run.state = 'failed';
    else if (evs.every((s) => !isDone(s))) run.state = 'cancelled';
    else run.state = 'done';
  }

  const terminalNodes = terminalNodesOf(graph, terminalEvent, cancelled);
  structuralStates(graph, nodes, { schedules, map, terminal, terminalEvent, terminalNodes });
  if (terminalEvent?.kind === 'OrchestrationFailed' && !terminalNodes.length) {
    // No error node in the diagram: the step whose failure ended the run carries the red.
    const lastFailed = [...schedules].reverse().find((s) => failed.has(s.eventId) && map.byEvent.has(s.eventId));
    if (lastFailed) nodes[map.byEvent.get(lastFailed.eventId)!].state = 'failed';
  }
  const matchedBy = map.bySite && map.byName ? 'mixed' : map.bySite ? 'site' : map.byName ? 'name' : 'none';
  return { nodes, matchedBy, unmapped: map.unmapped };
}

/** The diagram's terminal nodes that the run reached (End, continue-as-new, the error node). */
function terminalNodesOf(graph: FlowGraph, terminalEvent: HistoryEvent | undefined, cancelled: boolean) {
  return graph.nodes.filter((n) => {
    if (!terminalEvent) return false;
    if (terminalEvent.kind === 'OrchestrationCompleted') return n.kind === 'end';
    if (terminalEvent.kind === 'OrchestrationContinuedAsNew') return n.kind === 'continue_as_new';
    return n.kind === 'error' && !cancelled;
  });
}

/** Structural nodes: passed when they lead to a step that ran; the rest not taken or still ahead. */
function structuralStates(
  graph: FlowGraph,
  nodes: Record<string, NodeRun>,
  run: { schedules: ScheduleEvent[]; map: Mapping; terminal: boolean; terminalEvent: HistoryEvent | undefined; terminalNodes: FlowGraph['nodes'] },
): void {
  const { schedules, map, terminal, terminalEvent, terminalNodes } = run;
  const start = graph.nodes.find((n) => n.kind === 'start');
  const ran = Object.keys(nodes);
  const reached = [...ran, ...terminalNodes.map((n) => n.id)];
  // Walking back from what ran, a step that never ran is a branch not taken: do not pass through it.
  const stepIds = new Set(graph.nodes.filter((n) => STEP_KINDS.has(n.kind)).map((n) => n.id));
  const fromStart = start ? reach(graph, [start.id], true) : new Set<string>();
  const passed = new Set([...reach(graph, reached, false, (id) => stepIds.has(id) && !nodes[id])].filter((id) => fromStart.has(id)));
  const waiting = ran.filter((id) => nodes[id].state === 'waiting');
  const latest = [...schedules].reverse().find((s) => map.byEvent.has(s.eventId));
  const ahead = terminal ? new Set<string>() : reach(graph, waiting.length ? waiting : latest ? [map.byEvent.get(latest.eventId)!] : start ? [start.id] : [], true);
  for (const n of graph.nodes) {
    if (nodes[n.id]) continue;
    const state: NodeState = terminalNodes.includes(n)
      ? terminalEvent?.kind === 'OrchestrationFailed'
        ? 'failed'
        : 'done'
      : passed.has(n.id)
        ? 'passed'
        : ahead.has(n.id)
          ? 'pending'
          : 'not_taken';
    nodes[n.id] = { nodeId: n.id, state, count: 0, attempts: 0, eventIds: [] };
  }
}
