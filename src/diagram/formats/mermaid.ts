/** Mermaid flowchart: the default format. */
import type { DrawnGraph } from '../drawn-graph.js';
import type { FlowNode, OrchestrationFlow } from '../flow-graph.js';
import { parseMermaid, readMermaid } from '../mermaid-validator.js';
import { nodeText } from '../node-label.js';
import { hexColor, type DiagramFormatSpec } from './format.js';

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

/** Never an IR node id (those are `start`, `end`, `n1`…). */
const DESCRIPTION_ID = 'description';
const DESCRIPTION_STYLE = 'fill:#fffde7,stroke:#bfa100,stroke-dasharray:4 3,color:#333';

export function renderMermaid(flow: OrchestrationFlow): string {
  const lines: string[] = [];
  if (flow.title) lines.push('---', `title: ${esc(flow.title)}`, '---');
  lines.push('flowchart TD');
  // The description: a note above the flow, joined to nothing (drawnGraph reads it as a note).
  if (flow.description) lines.push(`  ${DESCRIPTION_ID}["${esc(flow.description)}"]`, `  classDef ${DESCRIPTION_ID} ${DESCRIPTION_STYLE}`, `  class ${DESCRIPTION_ID} ${DESCRIPTION_ID}`);
  for (const n of flow.graph.nodes) lines.push(`  ${mid(n.id)}${shape(n)}`);
  for (const e of flow.graph.edges) lines.push(`  ${mid(e.from)} -->${e.label ? `|"${esc(e.label)}"|` : ''} ${mid(e.to)}`);
  const used = new Set(flow.graph.nodes.map((n) => n.kind));
  for (const [kind, style] of Object.entries(CLASSES)) {
    if (!used.has(kind as FlowNode['kind'])) continue;
    lines.push(`  classDef ${kind} ${style}`);
    lines.push(`  class ${flow.graph.nodes.filter((n) => n.kind === kind).map((n) => mid(n.id)).join(',')} ${kind}`);
  }
  for (const n of flow.graph.nodes) {
    const color = hexColor(n.color);
    if (color) lines.push(`  style ${mid(n.id)} fill:${color}`);
  }
  return lines.join('\n') + '\n';
}

async function syntaxError(text: string): Promise<string | null> {
  if (!/^\s*(flowchart|graph)\s/m.test(text)) return 'a flowchart must start with "flowchart TD"';
  return parseMermaid(text);
}

async function drawnGraph(text: string): Promise<DrawnGraph> {
  const read = await readMermaid(text);
  if (read.kind !== 'flowchart' || !('vertices' in read)) return { nodes: [], edges: [] };
  // A diamond is a decision, the description a note: structure, not steps.
  return { nodes: read.vertices.map((v) => ({ id: v.id, label: v.text, ...(v.shape === 'diamond' || v.id === DESCRIPTION_ID ? { role: 'note' as const } : {}) })), edges: read.edges };
}

/** Mermaid to SVG in headless Chromium (playwright-core and Debian's `chromium`, both optional). */
export async function mermaidSvg(text: string): Promise<string | null> {
  const { chromiumAvailable, renderMermaidInBrowser } = await import('../browser-render.js');
  return chromiumAvailable() ? (await renderMermaidInBrowser(text)).svg : null;
}

export const mermaidFormat = {
  id: 'mermaid',
  extension: 'mmd',
  lineComment: '%%',
  fence: 'mermaid',
  promptHint: 'a Mermaid flowchart (start with "flowchart TD"); one node per step, labelled with the step\'s label',
  render: renderMermaid,
  syntaxError,
  drawnGraph,
  escapeLabel: esc,
  renderSvg: mermaidSvg,
  svgRenderer: 'Chromium (apt-get install chromium, or set CHROMIUM_PATH) with the optional peers playwright-core and mermaid (npm install -D playwright-core mermaid)',
} as const satisfies DiagramFormatSpec<'mermaid'>;
