/** Graphviz DOT. Attributes are one map per node, so none repeats; colours are ones `dot` knows. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { DrawnGraph } from '../drawn-graph.js';
import type { FlowNode, OrchestrationFlow } from '../flow-graph.js';
import { nodeText } from '../node-label.js';
import { hexColor, type DiagramFormatSpec } from './format.js';

const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ');
const q = (s: string) => `"${escapeLabel(s)}"`;

type Attrs = Record<string, string>;

const SHAPE: Record<FlowNode['kind'], Attrs> = {
  start: { shape: 'circle', style: 'filled', fillcolor: '#222222', fontcolor: 'white' },
  end: { shape: 'doublecircle', style: 'filled', fillcolor: '#222222', fontcolor: 'white' },
  activity: { shape: 'box', style: 'rounded,filled', fillcolor: '#f5f5f5' },
  llm: { shape: 'hexagon', style: 'filled', fillcolor: '#e8dcff' },
  timer: { shape: 'ellipse', style: 'filled', fillcolor: '#fff4d6' },
  event: { shape: 'cds', style: 'filled', fillcolor: '#dff3ff' },
  sub_orchestration: { shape: 'box3d', style: 'filled', fillcolor: '#e0f7ea' },
  decision: { shape: 'diamond' },
  fork: { shape: 'box', style: 'filled', fillcolor: '#dddddd', height: '0.2' },
  join: { shape: 'box', style: 'filled', fillcolor: '#dddddd', height: '0.2' },
  loop: { shape: 'parallelogram' },
  continue_as_new: { shape: 'box', style: 'rounded,dashed' },
  error: { shape: 'octagon', style: 'filled', fillcolor: '#ffe0e0' },
};

function nodeAttrs(n: FlowNode): string {
  const attrs: Attrs = { label: nodeText(n), ...SHAPE[n.kind] };
  const color = hexColor(n.color);
  if (color) {
    attrs.fillcolor = color;
    if (!attrs.style?.split(',').includes('filled')) attrs.style = attrs.style ? `${attrs.style},filled` : 'filled';
  }
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${/^[\w.]+$/.test(v) && k !== 'label' ? v : q(v)}`)
    .join(', ');
}

export function renderDot(flow: OrchestrationFlow): string {
  const lines = [`digraph ${q(flow.name)} {`, '  rankdir=TB;', '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  // Title and description above the graph, one line each (`\n` is DOT's centred line break).
  const heading = [flow.title, flow.description].filter((x): x is string => !!x).map(escapeLabel);
  if (heading.length) lines.push(`  label="${heading.join('\\n')}";`, '  labelloc=t;');
  for (const n of flow.graph.nodes) lines.push(`  ${n.id} [${nodeAttrs(n)}];`);
  for (const e of flow.graph.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${q(e.label)}]` : ''};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

interface DotStatement {
  type: string;
  id?: string | number;
  node_id?: { id: string | number };
  edge_list?: DotStatement[];
  attr_list?: { id: string; eq: string }[];
  children?: DotStatement[];
}

const parse = (text: string) => (createRequire(import.meta.url)('dotparser') as (s: string) => DotStatement[])(text);

async function syntaxError(text: string): Promise<string | null> {
  try {
    parse(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Nodes (their `label`, else their id) and edges, through subgraphs. */
async function drawnGraph(text: string): Promise<DrawnGraph> {
  const labels = new Map<string, string>();
  const decisions = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  const visit = (list: DotStatement[]) => {
    for (const s of list) {
      if (s.type === 'node_stmt' && s.node_id) {
        const id = String(s.node_id.id);
        const label = s.attr_list?.find((a) => a.id === 'label')?.eq;
        if (s.attr_list?.some((a) => a.id === 'shape' && a.eq === 'diamond')) decisions.add(id);
        if (label !== undefined || !labels.has(id)) labels.set(id, label ?? id);
      } else if (s.type === 'edge_stmt' && s.edge_list) {
        const ids = s.edge_list.filter((x) => x.type === 'node_id').map((x) => String(x.id));
        for (const id of ids) if (!labels.has(id)) labels.set(id, id);
        for (let i = 1; i < ids.length; i++) edges.push({ from: ids[i - 1], to: ids[i] });
      } else if (s.children) visit(s.children);
    }
  };
  for (const g of parse(text)) visit(g.children ?? []);
  return { nodes: [...labels].map(([id, label]) => ({ id, label, ...(decisions.has(id) ? { role: 'note' as const } : {}) })), edges };
}

/** DOT to SVG with Graphviz's `dot`, when it is installed. */
async function renderSvg(text: string): Promise<string | null> {
  const run = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8', timeout: 60_000 });
  return run.status === 0 ? run.stdout : null;
}

export const dotFormat = {
  id: 'dot',
  extension: 'dot',
  lineComment: '//',
  fence: 'dot',
  promptHint: 'a Graphviz DOT digraph; one node per step with label="<the step\'s label>"',
  render: renderDot,
  syntaxError,
  drawnGraph,
  escapeLabel,
  renderSvg,
  svgRenderer: 'Graphviz (apt-get install graphviz)',
} as const satisfies DiagramFormatSpec<'dot'>;
