/** PlantUML (activity diagram, arrow syntax, so any graph can be drawn) from a flow. */
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { nodeText } from './node-label.js';

const esc = (s: string) => s.replace(/"/g, "'").replace(/\n/g, ' ');

function ref(n: FlowNode): string {
  if (n.kind === 'start') return '(*)';
  if (n.kind === 'end') return '(*)';
  const stereotype = n.kind === 'activity' ? '' : ` <<${n.kind}>>`;
  return `"${esc(nodeText(n))}${stereotype}" as ${n.id}`;
}

export function renderPlantUml(flow: OrchestrationFlow): string {
  const byId = new Map(flow.graph.nodes.map((n) => [n.id, n]));
  const lines = ['@startuml'];
  if (flow.title) lines.push(`title ${esc(flow.title)}`);
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
