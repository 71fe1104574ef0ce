/** Deterministic renderers: the fallback of the LLM diagrammer and the `llm: 'off'` path. */
import { renderDot } from './dot-renderer.js';
import type { OrchestrationFlow } from './flow-graph.js';
import { renderMermaid } from './mermaid-renderer.js';
import { renderPlantUml } from './plantuml-renderer.js';
import { renderSequence } from './sequence-renderer.js';

export type DiagramFormat = 'mermaid' | 'sequence' | 'dot' | 'plantuml';
export const DIAGRAM_FORMATS: readonly DiagramFormat[] = ['mermaid', 'sequence', 'dot', 'plantuml'];

/** File extension per format. */
export const FORMAT_EXTENSION: Record<DiagramFormat, string> = { mermaid: 'mmd', sequence: 'sequence.mmd', dot: 'dot', plantuml: 'puml' };

export function renderDiagram(flow: OrchestrationFlow, format: DiagramFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(flow);
    case 'sequence':
      return renderSequence(flow);
    case 'dot':
      return renderDot(flow);
    case 'plantuml':
      return renderPlantUml(flow);
  }
}
