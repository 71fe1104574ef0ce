/**
 * Checks a diagram (usually an LLM's) against the flow it should show:
 * 1. it parses (mermaid.parse in a worker, a real DOT parser, PlantUML structure);
 * 2. every activity, timer, event and sub-orchestration of the IR appears (by name or label);
 * 3. it invents no step: every node it declares names something in the IR (flowchart, DOT).
 */
import { createRequire } from 'node:module';
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { parseMermaid } from './mermaid-validator.js';
import { nodeText } from './node-label.js';
import type { DiagramFormat } from './render.js';

export interface DiagramValidation {
  ok: boolean;
  errors: string[];
}

const REQUIRED: FlowNode['kind'][] = ['activity', 'timer', 'event', 'sub_orchestration'];
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

export async function validateDiagram(text: string, format: DiagramFormat, flow: OrchestrationFlow): Promise<DiagramValidation> {
  const errors: string[] = [];
  const syntax = await syntaxError(text, format);
  if (syntax) errors.push(`does not parse: ${syntax}`);
  const haystack = norm(text);
  for (const n of flow.graph.nodes.filter((x) => REQUIRED.includes(x.kind))) {
    const names = [n.name, n.label].filter((x): x is string => !!x).map(norm);
    if (!names.some((x) => x && haystack.includes(x))) errors.push(`missing ${n.kind.replace('_', '-')} "${n.label ?? n.name}"`);
  }
  const known = new Set(flow.graph.nodes.flatMap((n) => [n.name, n.label, nodeText(n)]).filter((x): x is string => !!x).map(norm));
  for (const label of declaredNodeLabels(text, format)) {
    const l = norm(label);
    if (!l || GENERIC.has(l)) continue;
    // Whole words only: "Send email" must not pass for the "End" node.
    const matches = [...known].some((k) => k && (` ${l} `.includes(` ${k} `) || ` ${k} `.includes(` ${l} `)));
    if (!matches) errors.push(`invented node "${label}" (not in the orchestration)`);
  }
  return { ok: errors.length === 0, errors };
}

/** Words a diagram may use for structure without naming a step. */
const GENERIC = new Set(['start', 'end', 'done', 'finish', 'yes', 'no', 'join', 'fork', 'in parallel', 'race', 'first wins', 'all done', 'on error', 'throw', 'error', 'continue as new', 'decision', 'loop', 'repeat', 'next', 'compensate', 'fails', 'begin', 'stop', 'success', 'failure']);

async function syntaxError(text: string, format: DiagramFormat): Promise<string | null> {
  switch (format) {
    case 'mermaid':
    case 'sequence':
      if (format === 'sequence' && !/^\s*sequenceDiagram/m.test(text)) return 'a sequence diagram must start with sequenceDiagram';
      if (format === 'mermaid' && !/^\s*(flowchart|graph)\s/m.test(text)) return 'a flowchart must start with "flowchart TD"';
      return parseMermaid(text);
    case 'dot':
      try {
        (createRequire(import.meta.url)('dotparser') as (s: string) => unknown)(text);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    case 'plantuml': {
      if (!/^\s*@startuml/m.test(text) || !/@enduml\s*$/m.test(text)) return 'PlantUML must be wrapped in @startuml / @enduml';
      const opens = (text.match(/^\s*(if|while|repeat|fork|partition)\b/gm) ?? []).length;
      const closes = (text.match(/^\s*(endif|endwhile|repeat while|end fork|end merge|})\b/gm) ?? []).length;
      return opens === closes ? null : `unbalanced blocks (${opens} opened, ${closes} closed)`;
    }
  }
}

/** The texts of the nodes a diagram declares (flowchart and DOT); other formats declare none. */
function declaredNodeLabels(text: string, format: DiagramFormat): string[] {
  const labels: string[] = [];
  if (format === 'mermaid') {
    // Node declarations anywhere, also inline in edges: id[label], id((label)), id>label] ...
    const body = text.replace(/^---[\s\S]*?---\s*/m, '').replace(/\|[^|]*\|/g, ' ');
    const re = /(?:^|[\s&;])([A-Za-z_][\w]*)(\(\[|\[\[|\[\/|\[\\|\[\(|\(\(|\{\{|\[|\(|\{|>)"?([^"\]\)\}\n]*)"?/gm;
    for (const m of body.matchAll(re)) {
      if (/^(flowchart|graph|subgraph|classDef|class|style|linkStyle|click)$/.test(m[1])) continue;
      if (m[3]?.trim()) labels.push(m[3].trim());
    }
  } else if (format === 'dot') {
    for (const m of text.matchAll(/\[[^\]]*\blabel\s*=\s*"((?:[^"\\]|\\.)*)"[^\]]*\]\s*;?/g)) {
      const before = text.slice(0, m.index ?? 0).split('\n').pop() ?? '';
      if (!before.includes('->')) labels.push(m[1]);
    }
  }
  return labels.filter((l) => !/^(title|label)$/i.test(l));
}
