/**
 * The diagram formats: one module per format in this folder, registered here. Adding a format
 * is one file and one entry in this list; the CLI, the outputs, the validation, the preview
 * and the LLM diagrammer all read it.
 */
import { dotFormat } from './dot.js';
import type { DiagramFormatSpec } from './format.js';
import { mermaidFormat } from './mermaid.js';
import { plantumlFormat } from './plantuml.js';
import { sequenceFormat } from './sequence.js';

export const FORMATS = [mermaidFormat, sequenceFormat, dotFormat, plantumlFormat] as const;

export type DiagramFormat = (typeof FORMATS)[number]['id'];
export const DIAGRAM_FORMATS: readonly DiagramFormat[] = FORMATS.map((f) => f.id);

export function isDiagramFormat(x: unknown): x is DiagramFormat {
  return typeof x === 'string' && (DIAGRAM_FORMATS as readonly string[]).includes(x);
}

export function formatSpec(format: DiagramFormat): DiagramFormatSpec<DiagramFormat> {
  return FORMATS.find((f) => f.id === format)!;
}

export type { DiagramFormatSpec } from './format.js';
