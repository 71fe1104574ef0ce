/**
 * Checks a diagram (usually an LLM's) against the flow it should show:
 * 1. it parses, with the format's own parser (mermaid.parse in a worker, a DOT parser,
 *    `plantuml -syntax` when PlantUML is installed);
 * 2. its structure is the IR's (see structure-check.ts): every step drawn, none invented,
 *    no IR edge dropped or reversed, no path added.
 */
import { formatSpec, type DiagramFormat } from './formats/index.js';
import type { OrchestrationFlow } from './flow-graph.js';
import { compareStructure } from './structure-check.js';

export interface DiagramValidation {
  ok: boolean;
  errors: string[];
}

export async function validateDiagram(text: string, format: DiagramFormat, flow: OrchestrationFlow): Promise<DiagramValidation> {
  const spec = formatSpec(format);
  const syntax = await spec.syntaxError(text);
  if (syntax) return { ok: false, errors: [`does not parse: ${syntax}`] };
  const drawn = await spec.drawnGraph(text);
  const errors = compareStructure(flow, drawn);
  // A text that reads two ways (a sequence diagram's catch) passes when one reading matches.
  if (errors.length && drawn.alternatives?.some((g) => compareStructure(flow, g).length === 0)) return { ok: true, errors: [] };
  return { ok: errors.length === 0, errors };
}
