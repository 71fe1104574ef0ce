/**
 * The structural check of a diagram against its IR: every step of the IR is drawn (whole-label
 * matching), nothing is invented, and the order and reachability of steps are the IR's — an
 * IR edge the diagram drops or reverses, or a path it adds between steps the IR does not
 * connect, is an error.
 */
import type { DrawnGraph } from './drawn-graph.js';
import type { FlowNode, FlowNodeKind, OrchestrationFlow } from './flow-graph.js';
import { nodeText } from './node-label.js';

const STEP_KINDS: FlowNodeKind[] = ['activity', 'llm', 'timer', 'event', 'sub_orchestration'];
const MAX_ERRORS = 8;

/** Lower case words: `shipOrder` -> `ship order`, `Reserve  inventory!` -> `reserve inventory`. */
export function words(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Words a diagram may use for structure or answers without naming a step. */
const GENERIC = new Set(
  ['start', 'end', 'done', 'finish', 'finished', 'yes', 'no', 'join', 'fork', 'in parallel', 'parallel', 'race', 'first wins', 'all done', 'on error',
    'throw', 'rethrow', 'error', 'failed', 'continue as new', 'decision', 'loop', 'repeat', 'next', 'compensate', 'fails', 'begin', 'stop', 'success',
    'failure', 'result', 'results', 'fired', 'answer', 'answer recorded', 'ok', 'return', 'returns', 'response', 'reply', 'ack', 'completed', 'complete',
    'otherwise', 'default', 'for each', 'then return', 'then break', 'break', 'continue', 'orchestration fails'].map(words),
);

/** The names a drawn label may use for an IR step. */
function stepNames(n: FlowNode): string[] {
  const base = [n.label, n.name, nodeText(n)].filter((x): x is string => !!x);
  const extra = n.kind === 'event' ? [`wait for ${n.name}`, `${n.name} received`] : n.kind === 'llm' ? [`LLM ${n.name}`] : n.kind === 'sub_orchestration' ? [`start ${n.name}`, `run ${n.name}`] : [];
  return [...new Set([...base, ...extra].map(words).filter(Boolean))];
}

/** The whole-label forms of a drawn label: each of its lines, without a trailing `(kind)`. */
function labelForms(label: string): string[] {
  return label
    .split(/<br\s*\/?>|\\n|\n/i)
    .map((l) => words(l.replace(/\s*\([^)]*\)\s*$/, '')))
    .filter(Boolean);
}

export function compareStructure(flow: OrchestrationFlow, drawn: DrawnGraph): string[] {
  const errors: string[] = [];
  const steps = flow.graph.nodes.filter((n) => STEP_KINDS.includes(n.kind));
  // A step class is one label: a step called in two branches may be drawn once or twice.
  const classOf = new Map(steps.map((n) => [n.id, stepNames(n)[0] ?? n.id]));
  const byName = new Map<string, string>();
  for (const n of steps) for (const name of stepNames(n)) if (!byName.has(name)) byName.set(name, classOf.get(n.id)!);
  const structural = new Set([...flow.graph.nodes.filter((n) => !STEP_KINDS.includes(n.kind)).map((n) => words(nodeText(n))), ...flow.graph.edges.map((e) => words(e.label ?? ''))]);

  const drawnClass = new Map<string, string>();
  for (const d of drawn.nodes) {
    const forms = labelForms(d.label);
    const hit = forms.map((f) => byName.get(f)).find((c) => c !== undefined);
    if (hit && d.role !== 'note') drawnClass.set(d.id, hit);
    else if (d.role !== 'note' && d.role !== 'answer' && forms.length && !forms.every((f) => isStructural(f, structural))) {
      errors.push(`invented step "${d.label}" (not in the orchestration)`);
    }
  }
  const present = new Set(drawnClass.values());
  for (const n of steps) if (!present.has(classOf.get(n.id)!)) errors.push(`missing ${n.kind.replace('_', '-')} "${nodeText(n)}"`);
  if (errors.length) return errors.slice(0, MAX_ERRORS);

  const ir = classGraph(flow.graph.nodes.map((n) => n.id), flow.graph.edges, classOf);
  const dg = classGraph(drawn.nodes.map((n) => n.id), drawn.edges, drawnClass);
  const reported = new Set<string>();
  for (const [a, bs] of ir.direct) {
    for (const b of bs) {
      if (dg.reach.get(a)?.has(b)) continue;
      reported.add(`${b}\0${a}`);
      errors.push(dg.reach.get(b)?.has(a) ? `reverses "${a}" -> "${b}" (the code runs "${a}" first)` : `drops the path "${a}" -> "${b}"`);
    }
  }
  for (const [a, bs] of dg.reach) {
    for (const b of bs) {
      if (ir.reach.get(a)?.has(b) || reported.has(`${a}\0${b}`)) continue;
      errors.push(`adds a path "${a}" -> "${b}" that the code does not have`);
    }
  }
  return errors.slice(0, MAX_ERRORS);
}

/**
 * Whether a drawn label names structure (a decision, a join, an answer) rather than a step: a
 * generic word, or the IR's text of a decision or edge, also rephrased as part of it
 * ("total > 1000?" for `order.total > 1000`); single words must match exactly.
 */
function isStructural(label: string, structural: Set<string>): boolean {
  if (GENERIC.has(label) || structural.has(label)) return true;
  const multiWord = (s: string) => s.includes(' ');
  for (const k of [...structural, ...GENERIC]) {
    if (!k) continue;
    if (multiWord(k) && ` ${label} `.includes(` ${k} `)) return true;
    if (multiWord(label) && ` ${k} `.includes(` ${label} `)) return true;
  }
  return false;
}

/** Step-to-step edges (through non-step nodes) and reachability, over step classes. */
function classGraph(ids: string[], edges: { from: string; to: string }[], classOf: Map<string, string>) {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) out.get(e.from)?.push(e.to);
  /** Steps reached from `id` through non-steps only. */
  const nextSteps = (id: string): Set<string> => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const queue = [...(out.get(id) ?? [])];
    while (queue.length) {
      const x = queue.shift()!;
      if (seen.has(x)) continue;
      seen.add(x);
      const c = classOf.get(x);
      if (c !== undefined) found.add(c);
      else queue.push(...(out.get(x) ?? []));
    }
    return found;
  };
  const direct = new Map<string, Set<string>>();
  for (const [id, c] of classOf) {
    if (!out.has(id)) continue;
    const set = direct.get(c) ?? new Set<string>();
    for (const n of nextSteps(id)) set.add(n);
    direct.set(c, set);
  }
  const reach = new Map<string, Set<string>>();
  for (const c of direct.keys()) {
    const seen = new Set<string>();
    const queue = [...direct.get(c)!];
    while (queue.length) {
      const x = queue.shift()!;
      if (seen.has(x)) continue;
      seen.add(x);
      queue.push(...(direct.get(x) ?? []));
    }
    reach.set(c, seen);
  }
  return { direct, reach };
}
