/**
 * What a diagram format is: one module per format under `formats/`, registered in
 * `formats/index.ts`. The CLI, preview, validation, outputs and the LLM diagrammer read it.
 */
import type { DrawnGraph } from '../drawn-graph.js';
import type { OrchestrationFlow } from '../flow-graph.js';

export interface DiagramFormatSpec<Id extends string = string> {
  readonly id: Id;
  /** Extension of the written diagram files, without the dot (`mmd`, `sequence.mmd`, ...). */
  readonly extension: string;
  /** Line comment of the format: the IR-hash line at the end of each file uses it. */
  readonly lineComment: string;
  /** Language of a Markdown code fence (hover JSDoc, `--embed`, `--diff`). */
  readonly fence: string;
  /** How the LLM is asked for this format ("a Mermaid flowchart (start with ...)"). */
  readonly promptHint: string;
  /** The deterministic rendering. */
  render(flow: OrchestrationFlow): string;
  /** Parses the text with the format's parser: null when valid, else the parser's message. */
  syntaxError(text: string): Promise<string | null>;
  /** The steps the diagram draws and how they connect (for the structural check). Call after syntaxError. */
  drawnGraph(text: string): Promise<DrawnGraph>;
  /** Makes text safe inside a label of this format (literals substituted into an LLM's answer). */
  escapeLabel(text: string): string;
  /** The diagram as SVG, rendered offline (hover pictures, `--preview`); null when the renderer is missing. */
  renderSvg(text: string): Promise<string | null>;
  /** What to install when `renderSvg` has no renderer. */
  readonly svgRenderer: string;
}

/** A colour from `@activity({ diagramColor })` as `#rrggbb[aa]`, or undefined when it is not one. */
export function hexColor(color: string | undefined): string | undefined {
  if (!color) return undefined;
  const m = /^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.exec(color.trim());
  if (!m) return NAMED_COLORS[color.trim().toLowerCase()];
  const hex = m[1].length <= 4 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return `#${hex.toLowerCase()}`;
}

/** Colour names both CSS and Graphviz know, as hex (so every format draws the same colour). */
const NAMED_COLORS: Record<string, string> = {
  red: '#ff0000', green: '#00ff00', blue: '#0000ff', yellow: '#ffff00', orange: '#ffa500', purple: '#a020f0',
  pink: '#ffc0cb', gray: '#bebebe', grey: '#bebebe', white: '#ffffff', black: '#000000', gold: '#ffd700',
  lightblue: '#add8e6', lightgreen: '#90ee90', lightgray: '#d3d3d3', lightgrey: '#d3d3d3', salmon: '#fa8072',
  khaki: '#f0e68c', violet: '#ee82ee', cyan: '#00ffff', magenta: '#ff00ff', tomato: '#ff6347', wheat: '#f5deb3',
};
