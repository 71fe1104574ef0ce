/**
 * Asks an LLM for a diagram of a flow. The model sees the IR (names, labels, structure),
 * never source code or its string literals. Its answer must validate; otherwise one
 * refinement with the errors, then the deterministic renderer with a warning.
 */
import type { LlmProvider } from '../llm/provider.js';
import { validateDiagram } from './diagram-validation.js';
import type { OrchestrationFlow } from './flow-graph.js';
import { renderDiagram, type DiagramFormat } from './render.js';

export interface DiagramResult {
  diagram: string;
  source: 'llm' | 'deterministic';
  warnings: string[];
  llmCalls: number;
}

const FORMAT_HINT: Record<DiagramFormat, string> = {
  mermaid: 'a Mermaid flowchart (start with "flowchart TD")',
  sequence: 'a Mermaid sequence diagram (start with "sequenceDiagram")',
  dot: 'a Graphviz DOT digraph',
  plantuml: 'a PlantUML activity diagram between @startuml and @enduml',
};

export function diagramPrompt(flow: OrchestrationFlow, format: DiagramFormat): string {
  const ir = { name: flow.name, title: flow.title, description: flow.description, graph: { nodes: flow.graph.nodes.map(({ line: _l, ...n }) => n), edges: flow.graph.edges } };
  return [
    `Draw ${FORMAT_HINT[format]} of this durable workflow. Use the node labels as written.`,
    'Show every activity, timer, event and sub-orchestration, and nothing that is not in the graph.',
    'Answer with the diagram only, no prose, no code fences.',
    JSON.stringify(ir),
  ].join('\n');
}

function stripFences(text: string): string {
  const m = /```[a-zA-Z]*\n([\s\S]*?)```/.exec(text);
  return (m ? m[1] : text).trim() + '\n';
}

export async function llmDiagram(flow: OrchestrationFlow, format: DiagramFormat, provider: LlmProvider): Promise<DiagramResult> {
  const warnings: string[] = [];
  let prompt = diagramPrompt(flow, format);
  let calls = 0;
  for (let attempt = 1; attempt <= 2; attempt++) {
    let text: string;
    try {
      calls++;
      text = stripFences((await provider.complete({ prompt, temperature: 0 })).text);
    } catch (err) {
      warnings.push(`${flow.name}: the LLM diagram failed (${(err as Error).message}); drawn deterministically`);
      break;
    }
    const check = await validateDiagram(text, format, flow).catch((err: Error) => ({ ok: false, errors: [err.message] }));
    if (check.ok) return { diagram: text, source: 'llm', warnings, llmCalls: calls };
    if (attempt === 2) {
      warnings.push(`${flow.name}: the LLM diagram was rejected twice (${check.errors.join('; ')}); drawn deterministically`);
      break;
    }
    prompt = `${diagramPrompt(flow, format)}\n\nYour previous diagram was rejected: ${check.errors.join('; ')}. Fix it.\nPrevious diagram:\n${text}`;
  }
  return { diagram: renderDiagram(flow, format), source: 'deterministic', warnings, llmCalls: calls };
}
