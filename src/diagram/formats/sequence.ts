/**
 * Mermaid sequence diagram: the orchestrator's conversation with activities, the LLM, timers,
 * events and sub-orchestrations, in the order the code makes the calls. Branches and loops
 * appear as notes (a sequence diagram cannot draw an arbitrary graph).
 */
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { nodeText } from './node-label.js';

const esc = (s: string) => s.replace(/[;#]/g, ' ').replace(/\n/g, ' ');

const PARTICIPANT: Partial<Record<FlowNode['kind'], [string, string]>> = {
  activity: ['A', 'Activities'],
  llm: ['L', 'LLM'],
  timer: ['T', 'Timers'],
  event: ['E', 'External events'],
  sub_orchestration: ['S', 'Sub-orchestrations'],
};

export function renderSequence(flow: OrchestrationFlow): string {
  const lines = ['sequenceDiagram'];
  if (flow.title) lines.push(`  title ${esc(flow.title)}`);
  lines.push(`  participant O as ${esc(flow.name)}`);
  const kinds = new Set(flow.graph.nodes.map((n) => n.kind));
  for (const [kind, [id, label]] of Object.entries(PARTICIPANT)) if (kinds.has(kind as FlowNode['kind'])) lines.push(`  participant ${id} as ${label}`);
  for (const n of flow.graph.nodes) {
    const text = esc(nodeText(n));
    switch (n.kind) {
      case 'activity':
        lines.push(`  O->>A: ${text}`, `  A-->>O: result`);
        break;
      case 'llm':
        lines.push(`  O->>L: ${text}`, `  L-->>O: answer (recorded)`);
        break;
      case 'timer':
        lines.push(`  O->>T: ${text}`, `  T-->>O: fired`);
        break;
      case 'event':
        lines.push(`  E-->>O: ${esc(n.name ?? text)}`);
        break;
      case 'sub_orchestration':
        lines.push(`  O->>S: start ${text}`, `  S-->>O: done`);
        break;
      case 'decision':
        lines.push(`  Note over O: if ${text}`);
        break;
      case 'loop':
        lines.push(`  Note over O: loop ${text}`);
        break;
      case 'fork':
        lines.push(`  Note over O: ${text}`);
        break;
      case 'join':
        lines.push(`  Note over O: ${text}`);
        break;
      case 'error':
        lines.push(`  Note over O: ${text}`);
        break;
      case 'continue_as_new':
        lines.push(`  Note over O: continue as new`);
        break;
      default:
        break;
    }
  }
  return lines.join('\n') + '\n';
}
