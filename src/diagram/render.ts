/** Deterministic renderers: the fallback of the LLM diagrammer and the `llm: 'off'` path. */
import type { OrchestrationFlow } from './flow-graph.js';
import { DIAGRAM_FORMATS, FORMATS, formatSpec, type DiagramFormat } from './formats/index.js';

export { DIAGRAM_FORMATS, type DiagramFormat };

/** File extension per format. */
export const FORMAT_EXTENSION = Object.fromEntries(FORMATS.map((f) => [f.id, f.extension])) as Record<DiagramFormat, string>;

export function renderDiagram(flow: OrchestrationFlow, format: DiagramFormat): string {
  return formatSpec(format).render(flow);
}
