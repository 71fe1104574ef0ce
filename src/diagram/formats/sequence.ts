/**
 * Mermaid sequence diagram: the orchestration's conversation with activities, the LLM, timers,
 * events and sub-orchestrations (each its own participant). The IR graph is read back into
 * blocks: `alt`/`else` for branches and try/catch (success, then the compensation when a step
 * fails), `opt` for a branch that may be skipped, `loop`, `par` for `ctx.all`/`ctx.race` and
 * fan-out, `break` for a path that ends inside a block.
 */
import { BlockGraph, type BlockKind, type DrawnGraph } from '../drawn-graph.js';
import type { FlowEdge, FlowNode, OrchestrationFlow } from '../flow-graph.js';
import { parseMermaid, readMermaid } from '../mermaid-validator.js';
import { mermaidSvg } from './mermaid.js';
import { nodeText } from '../node-label.js';
import type { DiagramFormatSpec } from './format.js';

const esc = (s: string) => s.replace(/[;#]/g, ' ').replace(/\n/g, ' ');
const EXIT = '(exit)';
const TERMINAL: FlowNode['kind'][] = ['end', 'error', 'continue_as_new'];

/** A failure edge: a step's "fails" path into a catch ("on error") or a finally. */
const isFailure = (e: FlowEdge, to: FlowNode | undefined) => /\bfails\b/.test(e.label ?? '') || (to?.kind === 'error' && to.label === 'on error');

class SequenceWriter {
  readonly lines: string[] = [];
  private readonly byId: Map<string, FlowNode>;
  private readonly out = new Map<string, FlowEdge[]>();
  /** Merge points: immediate post-dominators over normal edges (no failure edges, no edges into an end). */
  private readonly ipdom: Map<string, string>;
  private readonly drawn = new Set<string>();
  private readonly handled = new Set<string>();
  readonly subs = new Map<string, string>();

  constructor(private readonly flow: OrchestrationFlow) {
    this.byId = new Map(flow.graph.nodes.map((n) => [n.id, n]));
    for (const n of flow.graph.nodes) this.out.set(n.id, []);
    for (const e of flow.graph.edges) this.out.get(e.from)?.push(e);
    const ends = (id: string) => TERMINAL.includes(this.byId.get(id)!.kind);
    this.ipdom = postDominators(flow, (e) => !isFailure(e, this.byId.get(e.to)) && !ends(e.to));
    for (const n of flow.graph.nodes) if (n.kind === 'sub_orchestration' && !this.subs.has(n.name ?? n.id)) this.subs.set(n.name ?? n.id, `S${this.subs.size + 1}`);
  }

  region(start: string | undefined, stop: string, depth: number, stops: Set<string>): void {
    let cur = start;
    while (cur !== undefined && cur !== stop && cur !== EXIT && !stops.has(cur) && !this.drawn.has(cur)) {
      const n = this.byId.get(cur)!;
      if (TERMINAL.includes(n.kind) && this.next(cur).length === 0) return this.terminal(n, stop, depth);
      const fail = this.out.get(cur)!.find((e) => isFailure(e, this.byId.get(e.to)) && !this.handled.has(e.to));
      if (fail) {
        cur = this.tryBlock(cur, fail.to, stop, depth, stops);
        continue;
      }
      this.drawn.add(cur);
      this.step(n, depth);
      const next = this.next(cur);
      if (n.kind === 'loop') cur = this.loopBlock(n, next, depth, new Set([...stops, stop]));
      else if (next.length > 1 || n.kind === 'fork') cur = this.branches(n, next, depth, new Set([...stops, stop]));
      else cur = next[0]?.to;
    }
  }

  /** Out edges without handled failure edges, one per target. */
  private next(id: string): FlowEdge[] {
    const edges = this.out.get(id)!.filter((e) => !(isFailure(e, this.byId.get(e.to)) && this.handled.has(e.to)));
    return edges.filter((e, i) => edges.findIndex((x) => x.to === e.to) === i);
  }

  /**
   * A try region. One step that may fail: the call, then `alt <step> succeeds` with the success
   * path and `else <step> fails` with the catch's compensating calls (the seed's saga style).
   * Several: `alt every step succeeds` around them. When the failure path joins the normal one
   * (a finally), `critical` / `option ... fails` instead, and the finally steps follow once.
   */
  private tryBlock(first: string, handler: string, stop: string, depth: number, stops: Set<string>): string {
    this.handled.add(handler);
    const risky = this.flow.graph.edges.filter((e) => e.to === handler && isFailure(e, this.byId.get(handler))).map((e) => e.from);
    let exit = this.ipdom.get(first) ?? EXIT;
    while (exit !== EXIT && exit !== stop && this.reaches(exit, risky, first)) exit = this.ipdom.get(exit) ?? EXIT;
    const name = risky.length === 1 ? esc(nodeText(this.byId.get(first)!)) : 'a step';
    const inner = new Set([...stops, stop]);
    const joins = exit === handler || this.reaches(exit, [handler], first, true);
    const after = this.next(first);
    if (risky.length === 1 && !joins && after.length === 1) {
      this.drawn.add(first);
      this.step(this.byId.get(first)!, depth);
      // A catch that ends the flow: the success path runs to the end of the enclosing block.
      const end = exit !== EXIT && this.reaches(handler, [exit], first, true) ? exit : stop;
      this.line(`alt ${name} succeeds`, depth);
      this.region(after[0].to, end, depth + 1, inner);
      this.line(`else ${name} fails`, depth);
      this.region(handler, end, depth + 1, inner);
      this.line('end', depth);
      return end;
    }
    this.line(`${joins ? 'critical' : 'alt'} ${risky.length === 1 ? name : 'every step'} succeeds`, depth);
    this.region(first, exit, depth + 1, inner);
    this.line(`${joins ? 'option' : 'else'} ${name} fails`, depth);
    if (!joins) this.region(handler, exit, depth + 1, inner);
    this.line('end', depth);
    return exit;
  }

  private loopBlock(n: FlowNode, next: FlowEdge[], depth: number, stops: Set<string>): string | undefined {
    const body = next.find((e) => e.label?.includes('next')) ?? next[0];
    const done = next.find((e) => e !== body);
    this.open('loop', esc(nodeText(n)), depth);
    this.region(body?.to, n.id, depth + 1, done ? new Set([...stops, done.to]) : stops);
    this.line('end', depth);
    return done?.to;
  }

  private branches(n: FlowNode, next: FlowEdge[], depth: number, stops: Set<string>): string {
    let merge = this.ipdom.get(n.id) ?? EXIT;
    // A fork's branches meet at its join (with one branch, fan-out, the next node is not it).
    while (n.kind === 'fork' && merge !== EXIT && this.byId.get(merge)?.kind !== 'join') merge = this.ipdom.get(merge) ?? EXIT;
    const cond = n.kind === 'decision' ? esc(nodeText(n)) : '';
    if (n.kind === 'fork') {
      this.open('par', [nodeText(n), next[0]?.label].filter(Boolean).map((x) => esc(x!)).join(', '), depth);
      next.forEach((e, i) => {
        if (i > 0) this.line(`and ${esc(e.label ?? '')}`.trimEnd(), depth);
        this.region(e.to, merge, depth + 1, stops);
      });
    } else if (next.length === 2 && next.some((e) => e.to === merge)) {
      const taken = next.find((e) => e.to !== merge)!;
      this.open('opt', [cond, taken.label].filter(Boolean).map((s) => esc(s!)).join(': '), depth);
      this.region(taken.to, merge, depth + 1, stops);
    } else {
      next.forEach((e, i) => {
        const label = esc(e.label ?? '');
        if (i === 0) this.open('alt', [cond, label].filter(Boolean).join(': '), depth);
        else this.line(`else ${label || 'otherwise'}`, depth);
        this.region(e.to, merge, depth + 1, stops);
      });
    }
    this.line('end', depth);
    return merge;
  }

  private terminal(n: FlowNode, stop: string, depth: number): void {
    this.drawn.add(n.id);
    const text = n.kind === 'end' ? 'return' : n.kind === 'continue_as_new' ? 'continue as new' : esc(nodeText(n));
    const stopNode = this.byId.get(stop);
    if (stop !== EXIT && stopNode && !TERMINAL.includes(stopNode.kind)) {
      // Something follows the enclosing block: this path ends here.
      this.open('break', text, depth);
      this.line(`Note over O: ${text}`, depth + 1);
      this.line('end', depth);
    } else if (n.kind !== 'end') {
      this.line(`Note over O: ${text}`, depth);
    }
  }

  flat(n: FlowNode): void {
    this.step(n, 0);
  }

  private step(n: FlowNode, depth: number): void {
    const text = esc(nodeText(n));
    switch (n.kind) {
      case 'activity':
        return this.line(`O->>A: ${text}`, depth), this.line('A-->>O: result', depth);
      case 'llm':
        return this.line(`O->>L: ${text}`, depth), this.line('L-->>O: answer (recorded)', depth);
      case 'timer':
        return this.line(`O->>T: ${text}`, depth), this.line('T-->>O: fired', depth);
      case 'event':
        return this.line(`E-->>O: ${esc(n.name ?? text)}`, depth);
      case 'sub_orchestration': {
        const p = this.subs.get(n.name ?? n.id)!;
        return this.line(`O->>${p}: start ${text}`, depth), this.line(`${p}-->>O: done`, depth);
      }
      default:
        return;
    }
  }

  /** Whether `from` reaches any of `targets` without passing `through` (over normal edges only, if asked). */
  private reaches(from: string, targets: string[], through: string, normalOnly = false): boolean {
    const seen = new Set<string>([through]);
    const queue = [from];
    while (queue.length) {
      const x = queue.shift()!;
      if (targets.includes(x) && x !== through) return true;
      if (seen.has(x) && x !== from) continue;
      seen.add(x);
      for (const e of this.out.get(x) ?? []) if (!seen.has(e.to) && !(normalOnly && isFailure(e, this.byId.get(e.to)))) queue.push(e.to);
    }
    return false;
  }

  private open(kind: 'alt' | 'opt' | 'loop' | 'par' | 'break', label: string, depth: number): void {
    this.line(`${kind} ${label}`.trimEnd(), depth);
  }

  private line(text: string, depth: number): void {
    this.lines.push(`${'  '.repeat(depth + 1)}${text}`);
  }
}

/**
 * Immediate post-dominators over the edges `keep` accepts; paths that end go to one exit. A node
 * left without a way to the exit (a loop whose only way out was dropped) gets its edges back.
 */
function postDominators(flow: OrchestrationFlow, keep: (e: FlowEdge) => boolean): Map<string, string> {
  const ids = flow.graph.nodes.map((n) => n.id);
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of flow.graph.edges) if (keep(e)) succ.get(e.from)?.push(e.to);
  for (let pass = 0; pass < 3; pass++) {
    const exits = new Set(ids.filter((id) => succ.get(id)!.length === 0));
    for (let grew = true; grew; ) {
      grew = false;
      for (const id of ids) {
        if (exits.has(id) || !succ.get(id)!.some((s) => exits.has(s))) continue;
        exits.add(id);
        grew = true;
      }
    }
    const stuck = ids.filter((id) => !exits.has(id));
    if (!stuck.length) break;
    for (const e of flow.graph.edges) if (stuck.includes(e.from) && !succ.get(e.from)!.includes(e.to)) succ.get(e.from)!.push(e.to);
  }
  for (const id of ids) if (succ.get(id)!.length === 0) succ.get(id)!.push(EXIT);
  const all = new Set([...ids, EXIT]);
  const pdom = new Map<string, Set<string>>(ids.map((id) => [id, new Set(all)]));
  pdom.set(EXIT, new Set([EXIT]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of [...ids].reverse()) {
      const sets = succ.get(id)!.map((s) => pdom.get(s)!);
      const meet = new Set([...sets[0]].filter((x) => sets.every((s) => s.has(x))));
      meet.add(id);
      if (meet.size !== pdom.get(id)!.size) {
        pdom.set(id, meet);
        changed = true;
      }
    }
  }
  const ipdom = new Map<string, string>();
  for (const id of ids) {
    const strict = [...pdom.get(id)!].filter((x) => x !== id);
    strict.sort((a, b) => pdom.get(b)!.size - pdom.get(a)!.size);
    if (strict[0]) ipdom.set(id, strict[0]);
  }
  return ipdom;
}

export function renderSequence(flow: OrchestrationFlow): string {
  const w = new SequenceWriter(flow);
  try {
    w.region('start', EXIT, 0, new Set());
  } catch {
    // A graph the block reader does not follow: its steps in code order, without blocks.
    w.lines.length = 0;
    for (const n of flow.graph.nodes) w.flat(n);
  }
  const lines = ['sequenceDiagram'];
  if (flow.title) lines.push(`  title ${esc(flow.title)}`);
  lines.push(`  participant O as ${esc(flow.name)}`);
  const kinds = new Set(flow.graph.nodes.map((n) => n.kind));
  for (const [kind, id, label] of [['activity', 'A', 'Activities'], ['llm', 'L', 'LLM'], ['timer', 'T', 'Timers'], ['event', 'E', 'External events']] as const) {
    if (kinds.has(kind)) lines.push(`  participant ${id} as ${label}`);
  }
  for (const [name, id] of w.subs) lines.push(`  participant ${id} as ${esc(name)}`);
  // `;` ends a statement in a sequence diagram: a comma keeps the sentence readable.
  if (flow.description) lines.push(`  Note over O: ${esc(flow.description.replace(/;/g, ','))}`);
  return [...lines, ...w.lines].join('\n') + '\n';
}

const BLOCK: Record<number, BlockKind> = { 10: 'loop', 12: 'alt', 15: 'opt', 19: 'par', 32: 'par', 22: 'group', 27: 'critical', 30: 'break' };
const BRANCH = new Set([13, 20, 28]);
const CLOSE = new Set([11, 14, 16, 21, 23, 29, 31]);
const NOTE = 2;

const DOTTED = new Set([1, 4, 6, 25, 34]);

/** Messages become steps, blocks become arrows (see BlockGraph); read both ways of drawing a catch. */
async function drawnGraph(text: string): Promise<DrawnGraph> {
  const read = await readMermaid(text);
  if (read.kind !== 'sequence' || !('messages' in read)) return new BlockGraph().finish();
  const messages = read.messages;
  // The orchestration is the participant that sends the most; what it gets back, and what it
  // returns (dotted arrows), are answers, not steps.
  const sent = new Map<string, number>();
  for (const m of messages) if (m.from !== undefined && m.to !== undefined) sent.set(m.from, (sent.get(m.from) ?? 0) + 1);
  const orchestration = [...sent].sort((a, b) => b[1] - a[1])[0]?.[0];
  const readAs = (failureAware: boolean) => {
    const b = new BlockGraph(failureAware);
    for (const m of messages) {
      if (BLOCK[m.type]) b.open(BLOCK[m.type]);
      else if (BRANCH.has(m.type)) b.branch(m.text);
      else if (CLOSE.has(m.type)) b.close();
      else if (m.type === NOTE) b.node(m.text, 'note');
      else if (m.from !== undefined && m.to !== undefined) {
        const answer = (m.to === orchestration && m.from !== orchestration) || (m.from === orchestration && m.to !== orchestration && DOTTED.has(m.type));
        b.node(m.text, answer ? 'answer' : 'step');
      }
    }
    return b.finish();
  };
  return { ...readAs(true), alternatives: [readAs(false)] };
}

async function syntaxError(text: string): Promise<string | null> {
  if (!/^\s*sequenceDiagram/m.test(text)) return 'a sequence diagram must start with sequenceDiagram';
  return parseMermaid(text);
}

export const sequenceFormat = {
  id: 'sequence',
  extension: 'sequence.mmd',
  lineComment: '%%',
  fence: 'mermaid',
  promptHint:
    'a Mermaid sequence diagram (start with "sequenceDiagram"): one message per step, labelled with the step\'s label; alt/else for branches, ' +
    '"alt ... succeeds" then "else ... fails" for a catch, opt, loop, par for parallel steps, break for a path that ends inside a block',
  render: renderSequence,
  syntaxError,
  drawnGraph,
  escapeLabel: esc,
  renderSvg: mermaidSvg,
  svgRenderer: 'Chromium (apt-get install chromium, or set CHROMIUM_PATH) with the optional peers playwright-core and mermaid (npm install -D playwright-core mermaid)',
} as const satisfies DiagramFormatSpec<'sequence'>;
