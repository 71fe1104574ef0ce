/** Graphviz DOT from a flow. */
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { nodeText } from './node-label.js';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ')}"`;

const SHAPE: Record<FlowNode['kind'], string> = {
  start: 'shape=circle, style=filled, fillcolor="#222222", fontcolor=white',
  end: 'shape=doublecircle, style=filled, fillcolor="#222222", fontcolor=white',
  activity: 'shape=box, style="rounded,filled", fillcolor="#f5f5f5"',
  llm: 'shape=hexagon, style=filled, fillcolor="#e8dcff"',
  timer: 'shape=ellipse, style=filled, fillcolor="#fff4d6"',
  event: 'shape=cds, style=filled, fillcolor="#dff3ff"',
  sub_orchestration: 'shape=box3d, style=filled, fillcolor="#e0f7ea"',
  decision: 'shape=diamond',
  fork: 'shape=box, style=filled, fillcolor="#dddddd", height=0.2',
  join: 'shape=box, style=filled, fillcolor="#dddddd", height=0.2',
  loop: 'shape=parallelogram',
  continue_as_new: 'shape=box, style="rounded,dashed"',
  error: 'shape=octagon, style=filled, fillcolor="#ffe0e0"',
};

export function renderDot(flow: OrchestrationFlow): string {
  const lines = [`digraph ${q(flow.name)} {`, '  rankdir=TB;', '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  if (flow.title) lines.push(`  label=${q(flow.title)};`, '  labelloc=t;');
  for (const n of flow.graph.nodes) {
    const color = n.color && /^#[0-9a-fA-F]{3,8}$/.test(n.color) ? `, style=filled, fillcolor="${n.color}"` : '';
    lines.push(`  ${n.id} [label=${q(nodeText(n))}, ${SHAPE[n.kind]}${color}];`);
  }
  for (const e of flow.graph.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${q(e.label)}]` : ''};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
