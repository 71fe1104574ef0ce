/**
 * What changed between two versions of an orchestration's flow, in terms a reviewer reads:
 * steps added and removed, and arrows between steps (through decisions, forks and loops)
 * that were added or removed ("rewired").
 */
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { irHash } from './ir-hash.js';
import { nodeText } from './node-label.js';

const SIGNIFICANT: FlowNode['kind'][] = ['start', 'end', 'activity', 'llm', 'timer', 'event', 'sub_orchestration', 'continue_as_new', 'error'];

export interface FlowChange {
  name: string;
  kind: 'added' | 'removed' | 'changed';
  before?: OrchestrationFlow;
  after?: OrchestrationFlow;
  addedSteps: string[];
  removedSteps: string[];
  addedArrows: string[];
  removedArrows: string[];
  /** Decisions, loops and other structure whose labels changed. */
  otherChanges: string[];
}

const stepName = (n: FlowNode) => (n.kind === 'start' ? 'Start' : n.kind === 'end' ? 'End' : n.kind === 'error' && n.label !== 'on error' ? 'fails' : `${nodeText(n)}`);
const stepKind = (n: FlowNode) => n.kind.replace('_', '-');

/** Arrows between significant nodes, as "A -> B" (through the other nodes). */
function arrows(flow: OrchestrationFlow): Set<string> {
  const byId = new Map(flow.graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, string[]>();
  for (const e of flow.graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const found = new Set<string>();
  for (const n of flow.graph.nodes) {
    if (!SIGNIFICANT.includes(n.kind) || (n.kind === 'error' && n.label === 'on error')) continue;
    const seen = new Set<string>();
    const queue = [...(out.get(n.id) ?? [])];
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const m = byId.get(id)!;
      if (SIGNIFICANT.includes(m.kind) && !(m.kind === 'error' && m.label === 'on error')) found.add(`${stepName(n)} -> ${stepName(m)}`);
      else queue.push(...(out.get(id) ?? []));
    }
  }
  return found;
}

function steps(flow: OrchestrationFlow): string[] {
  return flow.graph.nodes.filter((n) => SIGNIFICANT.includes(n.kind) && !['start', 'end', 'error'].includes(n.kind)).map((n) => `${stepKind(n)} \`${nodeText(n)}\``);
}

function structure(flow: OrchestrationFlow): string[] {
  return flow.graph.nodes.filter((n) => ['decision', 'loop', 'fork'].includes(n.kind)).map((n) => `${n.kind} \`${nodeText(n)}\``);
}

/** `a` minus `b`, counting duplicates. */
function minus(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

export function diffFlows(before: OrchestrationFlow[], after: OrchestrationFlow[]): FlowChange[] {
  const changes: FlowChange[] = [];
  const old = new Map(before.map((f) => [f.name, f]));
  const now = new Map(after.map((f) => [f.name, f]));
  for (const name of [...new Set([...now.keys(), ...old.keys()])].sort()) {
    const b = old.get(name);
    const a = now.get(name);
    if (b && a && irHash(b) === irHash(a)) continue;
    const bArrows = b ? [...arrows(b)] : [];
    const aArrows = a ? [...arrows(a)] : [];
    changes.push({
      name,
      kind: !b ? 'added' : !a ? 'removed' : 'changed',
      ...(b ? { before: b } : {}),
      ...(a ? { after: a } : {}),
      addedSteps: minus(a ? steps(a) : [], b ? steps(b) : []),
      removedSteps: minus(b ? steps(b) : [], a ? steps(a) : []),
      addedArrows: minus(aArrows, bArrows),
      removedArrows: minus(bArrows, aArrows),
      otherChanges: [...minus(a ? structure(a) : [], b ? structure(b) : []).map((s) => `added ${s}`), ...minus(b ? structure(b) : [], a ? structure(a) : []).map((s) => `removed ${s}`)],
    });
  }
  return changes;
}
