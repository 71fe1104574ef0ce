/** Mermaid flowchart from a flow. */
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { nodeText } from './node-label.js';

const esc = (s: string) => s.replace(/"/g, '#quot;').replace(/\n/g, ' ');
/** `end` is a mermaid keyword: it cannot be a node id. */
const mid = (id: string) => (id === 'end' ? 'finish' : id);

function shape(n: FlowNode): string {
  const t = `"${esc(nodeText(n))}"`;
  switch (n.kind) {
    case 'start':
    case 'end':
      return `([${t}])`;
    case 'activity':
      return `[${t}]`;
    case 'llm':
      return `{{${t}}}`;
    case 'timer':
      return `((${t}))`;
    case 'event':
      return `>${t}]`;
    case 'sub_orchestration':
      return `[[${t}]]`;
    case 'decision':
      return `{${t}}`;
    case 'fork':
    case 'join':
      return `[/${t}\\]`;
    case 'loop':
      return `[/${t}/]`;
    case 'continue_as_new':
      return `([${t}])`;
    case 'error':
      return `[${t}]`;
  }
}

const CLASSES: Record<string, string> = {
  llm: 'fill:#e8dcff,stroke:#7c4dff',
  timer: 'fill:#fff4d6,stroke:#c49000',
  event: 'fill:#dff3ff,stroke:#1976d2',
  error: 'fill:#ffe0e0,stroke:#c62828',
  sub_orchestration: 'fill:#e0f7ea,stroke:#2e7d32',
};

export function renderMermaid(flow: OrchestrationFlow): string {
  const lines: string[] = [];
  if (flow.title) lines.push('---', `title: ${esc(flow.title)}`, '---');
  lines.push('flowchart TD');
  for (const n of flow.graph.nodes) lines.push(`  ${mid(n.id)}${shape(n)}`);
  for (const e of flow.graph.edges) lines.push(`  ${mid(e.from)} -->${e.label ? `|"${esc(e.label)}"|` : ''} ${mid(e.to)}`);
  const used = new Set(flow.graph.nodes.map((n) => n.kind));
  for (const [kind, style] of Object.entries(CLASSES)) {
    if (!used.has(kind as FlowNode['kind'])) continue;
    lines.push(`  classDef ${kind} ${style}`);
    lines.push(`  class ${flow.graph.nodes.filter((n) => n.kind === kind).map((n) => mid(n.id)).join(',')} ${kind}`);
  }
  for (const n of flow.graph.nodes) if (n.color && /^#[0-9a-fA-F]{3,8}$/.test(n.color)) lines.push(`  style ${mid(n.id)} fill:${n.color}`);
  return lines.join('\n') + '\n';
}
