/**
 * Asks an LLM for a diagram of a flow. The model sees the IR (names, labels, structure), never
 * source code; the string literals a condition compares are sent as placeholders (`__LIT1__`)
 * and substituted back into its answer, unless `llmSeesLiterals` is set. The answer must pass
 * validation (syntax and structure); otherwise one refinement with the errors, then the
 * deterministic renderer with a warning.
 */
import type { LlmProvider } from '../llm/provider.js';
import { validateDiagram } from './diagram-validation.js';
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';
import { formatSpec, type DiagramFormat } from './formats/index.js';

export interface DiagramResult {
  diagram: string;
  source: 'llm' | 'deterministic';
  warnings: string[];
  llmCalls: number;
}

const STEP_KINDS: FlowNode['kind'][] = ['activity', 'llm', 'timer', 'event', 'sub_orchestration'];

export function diagramPrompt(flow: OrchestrationFlow, format: DiagramFormat): string {
  const ir = { name: flow.name, title: flow.title, description: flow.description, graph: { nodes: flow.graph.nodes.map(({ line: _l, ...n }) => n), edges: flow.graph.edges } };
  return [
    `Draw ${formatSpec(format).promptHint} of this durable workflow. Use the node labels exactly as written.`,
    'Show every activity, LLM call, timer, event and sub-orchestration, and nothing that is not in the graph; keep the order and the branches of its edges.',
    'Answer with the diagram only, no prose, no code fences.',
    JSON.stringify(ir),
  ].join('\n');
}

/** The flow with compared literals replaced by placeholders, and the way back. */
export function maskLiterals(flow: OrchestrationFlow): { masked: OrchestrationFlow; unmask: (text: string, format: DiagramFormat) => string } {
  const literals: string[] = [];
  const mask = (label: string | undefined) =>
    label?.replace(/"[^"]*"/g, (lit) => {
      const i = literals.indexOf(lit);
      return `__LIT${(i >= 0 ? i : literals.push(lit) - 1) + 1}__`;
    });
  // Steps are labelled with names and decorator labels; decisions and loops may quote literals.
  const nodes = flow.graph.nodes.map((n) => (STEP_KINDS.includes(n.kind) || !n.label ? n : { ...n, label: mask(n.label)! }));
  const edges = flow.graph.edges.map((e) => (e.label ? { ...e, label: mask(e.label)! } : e));
  const masked = { ...flow, graph: { nodes, edges } };
  const unmask = (text: string, format: DiagramFormat) =>
    text.replace(/__LIT(\d+)__/g, (m, i: string) => (literals[Number(i) - 1] !== undefined ? formatSpec(format).escapeLabel(literals[Number(i) - 1]) : m));
  return { masked, unmask };
}

function stripFences(text: string): string {
  const m = /```[a-zA-Z]*\n([\s\S]*?)```/.exec(text);
  return (m ? m[1] : text).trim() + '\n';
}

export async function llmDiagram(flow: OrchestrationFlow, format: DiagramFormat, provider: LlmProvider, opts: { seesLiterals?: boolean } = {}): Promise<DiagramResult> {
  const warnings: string[] = [];
  const { masked, unmask } = opts.seesLiterals ? { masked: flow, unmask: (t: string) => t } : maskLiterals(flow);
  let prompt = diagramPrompt(masked, format);
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
    const diagram = unmask(text, format);
    const check = await validateDiagram(diagram, format, flow).catch((err: Error) => ({ ok: false, errors: [err.message] }));
    if (check.ok) return { diagram, source: 'llm', warnings, llmCalls: calls };
    if (attempt === 2) {
      warnings.push(`${flow.name}: the LLM diagram was rejected twice (${check.errors.join('; ')}); drawn deterministically`);
      break;
    }
    prompt = `${diagramPrompt(masked, format)}\n\nYour previous diagram was rejected: ${check.errors.join('; ')}. Fix it.\nPrevious diagram:\n${text}`;
  }
  return { diagram: formatSpec(format).render(flow), source: 'deterministic', warnings, llmCalls: calls };
}
