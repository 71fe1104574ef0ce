/** A content hash of a flow: what a diagram depends on (not its file or line numbers). */
import { createHash } from 'node:crypto';
import type { OrchestrationFlow } from './flow-graph.js';
import { canonicalJson } from '../llm/canonical-json.js';

/** A run hashes each flow object more than once (drawing, pruning). */
const memo = new WeakMap<OrchestrationFlow, string>();

export function irHash(flow: OrchestrationFlow): string {
  let hash = memo.get(flow);
  if (hash === undefined) memo.set(flow, (hash = computeIrHash(flow)));
  return hash;
}

function computeIrHash(flow: OrchestrationFlow): string {
  const { file: _file, ...rest } = flow;
  const graph = { nodes: flow.graph.nodes.map(({ line: _line, ...n }) => n), edges: flow.graph.edges };
  return createHash('sha256').update(canonicalJson({ ...rest, graph })).digest('hex');
}
