/** A content hash of a flow: what a diagram depends on (not its file or line numbers). */
import { createHash } from 'node:crypto';
import type { OrchestrationFlow } from './flow-graph.js';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

export function irHash(flow: OrchestrationFlow): string {
  const { file: _file, ...rest } = flow;
  const graph = { nodes: flow.graph.nodes.map(({ line: _line, ...n }) => n), edges: flow.graph.edges };
  return createHash('sha256').update(canonical({ ...rest, graph })).digest('hex');
}
