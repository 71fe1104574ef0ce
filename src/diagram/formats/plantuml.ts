/**
 * PlantUML activity diagram in the arrow syntax (any graph can be drawn). Validation runs the
 * real `plantuml -syntax` when it is installed (Debian's `plantuml`), else a structural check.
 */
import { spawnSync } from 'node:child_process';
import { BlockGraph, type DrawnGraph } from '../drawn-graph.js';
import type { FlowNode, OrchestrationFlow } from '../flow-graph.js';
import { nodeText } from '../node-label.js';
import { hexColor, type DiagramFormatSpec } from './format.js';

const esc = (s: string) => s.replace(/"/g, "'").replace(/\n/g, ' ');

function ref(n: FlowNode): string {
  const stereotype = n.kind === 'activity' ? '' : ` <<${n.kind}>>`;
  const color = hexColor(n.color);
  return `"${esc(nodeText(n))}${stereotype}" as ${n.id}${color ? ` ${color}` : ''}`;
}

export function renderPlantUml(flow: OrchestrationFlow): string {
  const byId = new Map(flow.graph.nodes.map((n) => [n.id, n]));
  const lines = ['@startuml'];
  if (flow.title) lines.push(`title ${esc(flow.title)}`);
  if (flow.description) lines.push(`caption ${esc(flow.description)}`);
  const declared = new Set<string>();
  const side = (id: string) => {
    const n = byId.get(id)!;
    if (n.kind === 'start' || n.kind === 'end') return '(*)';
    if (declared.has(id)) return id;
    declared.add(id);
    return ref(n);
  };
  for (const e of flow.graph.edges) {
    const from = side(e.from);
    const to = side(e.to);
    lines.push(`${from} --> ${e.label ? `[${esc(e.label)}] ` : ''}${to}`);
  }
  lines.push('@enduml');
  return lines.join('\n') + '\n';
}

let plantumlInstalled: boolean | undefined;
/** Whether Debian's `plantuml` (or another on PATH) can be run. */
export function hasPlantUml(): boolean {
  if (plantumlInstalled === undefined) plantumlInstalled = spawnSync('plantuml', ['-version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
  return plantumlInstalled;
}

/** `plantuml -syntax`: null when PlantUML reads the text, else its message (with the line). */
export function plantUmlSyntax(text: string): string | null {
  const run = spawnSync('plantuml', ['-syntax'], { input: text, encoding: 'utf8', timeout: 60_000 });
  const out = (run.stdout ?? '').trim().split('\n');
  if (run.status === 0 && out[0] !== 'ERROR') return null;
  return out[0] === 'ERROR' ? `line ${Number(out[1]) + 1}: ${out.slice(2).join(' ')}` : `plantuml failed: ${run.stderr || run.error?.message}`;
}

async function syntaxError(text: string): Promise<string | null> {
  if (!/^\s*@startuml/m.test(text) || !/@enduml\s*$/m.test(text)) return 'PlantUML must be wrapped in @startuml / @enduml';
  if (hasPlantUml()) return plantUmlSyntax(text);
  const opens = (text.match(/^\s*(if|while|repeat|fork|split|partition)\b/gm) ?? []).length;
  const closes = (text.match(/^\s*(endif|endwhile|repeat while|end fork|end split|end merge|})\b/gm) ?? []).length;
  return opens === closes ? null : `unbalanced blocks (${opens} opened, ${closes} closed)`;
}

const ARROW = /^\s*(.*?)\s*-+(?:up|down|left|right)?-*>\s*(?:\[([^\]]*)\]\s*)?(.+?)\s*$/;
/** A node reference; a declaration may end in its colour (`"Charge" as n2 #ffd580`). */
const REF = /^(?:"([^"]*)"(?:\s+as\s+(\w+))?(?:\s+#\w+)?|(\(\*\w*\))|(={2,}[^=]*={2,})|(\w+))$/;

/** The arrow syntax: `"label" as id --> [edge] other`. */
function arrowGraph(lines: string[]): DrawnGraph {
  const g: DrawnGraph = { nodes: [], edges: [] };
  const labels = new Map<string, { label: string; role: 'step' | 'note' }>();
  // `(*)` is the start on the left of an arrow and the end on its right.
  const idOf = (raw: string, side: 'from' | 'to'): string | undefined => {
    const m = REF.exec(raw.trim());
    if (!m) return undefined;
    if (m[3] || m[4]) {
      const id = m[3] ? `${m[3]}${side}` : m[4];
      labels.set(id, { label: '', role: 'note' });
      return id;
    }
    const text = m[1] ?? m[5];
    const id = m[2] ?? text;
    if (m[1] !== undefined || !labels.has(id)) labels.set(id, { label: text.replace(/<<[^>]*>>/g, '').trim(), role: 'step' });
    return id;
  };
  let last: string | undefined;
  for (const line of lines) {
    const m = ARROW.exec(line);
    if (!m) continue;
    const from = m[1] ? idOf(m[1], 'from') : last;
    const to = idOf(m[3], 'to');
    if (from && to) g.edges.push({ from, to });
    last = to;
  }
  g.nodes = [...labels].map(([id, v]) => ({ id, ...v }));
  return g;
}

/** The newer activity syntax: `:step;`, if/else/endif, while, repeat, fork, stop. */
function blockGraph(lines: string[]): DrawnGraph {
  const b = new BlockGraph();
  const switches: boolean[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^:(.*?)[;|<>/\]}]$/.exec(line))) b.node(m[1]);
    else if (/^(stop|end|kill|detach)$/.test(line)) b.terminate();
    else if (/^if\s*\(/.test(line)) b.open('alt');
    else if ((m = /^(?:elseif\s*\(.*?\)\s*then|else)\s*(?:\((.*)\))?/.exec(line))) b.branch(m[1] ?? 'else');
    else if (/^(endif|end if|endswitch|end switch)$/.test(line)) {
      b.close();
      if (line.includes('switch')) switches.pop();
    }
    else if (/^while\s*\(/.test(line)) b.open('loop');
    else if (/^(endwhile|end while)\b/.test(line)) b.close();
    else if (/^repeat\s*$/.test(line)) b.open('repeat');
    else if (/^repeat\s*while\b/.test(line)) b.close();
    else if (/^(fork|split)$/.test(line)) b.open('par');
    else if (/^(fork|split) again$/.test(line)) b.branch();
    else if (/^end (fork|split|merge)\b/.test(line)) b.close();
    else if (/^switch\s*\(/.test(line)) {
      b.open('alt');
      switches.push(false);
    }
    else if (/^case\s*\(/.test(line) && switches.length) {
      if (switches.at(-1)) b.branch(line);
      switches[switches.length - 1] = true;
    }
  }
  return b.finish();
}

async function drawnGraph(text: string): Promise<DrawnGraph> {
  const lines = text.split('\n').filter((l) => !/^\s*('|@startuml|@enduml|title\b|caption\b|skinparam\b|note\b)/.test(l));
  return lines.some((l) => /^\s*:/.test(l)) ? blockGraph(lines) : arrowGraph(lines);
}

/** PlantUML to SVG with `plantuml -tsvg -pipe`, when it is installed. */
async function renderSvg(text: string): Promise<string | null> {
  if (!hasPlantUml()) return null;
  const run = spawnSync('plantuml', ['-tsvg', '-pipe'], { input: text, encoding: 'utf8', timeout: 60_000 });
  return run.status === 0 ? run.stdout : null;
}

export const plantumlFormat = {
  id: 'plantuml',
  extension: 'puml',
  lineComment: "'",
  fence: 'plantuml',
  promptHint: 'a PlantUML activity diagram between @startuml and @enduml; one activity per step, labelled with the step\'s label',
  render: renderPlantUml,
  syntaxError,
  drawnGraph,
  escapeLabel: esc,
  renderSvg,
  svgRenderer: 'PlantUML (apt-get install plantuml)',
} as const satisfies DiagramFormatSpec<'plantuml'>;

