/**
 * FlowGraph IR: the contract between the extractor, the renderers, the LLM diagrammer and
 * the tests. `duroxide-llm diagram --format json` prints `FlowGraphDocument`.
 */

/** Bump when the IR's shape or meaning changes; it is part of every cache key. */
export const IR_SCHEMA_VERSION = 1;

export type FlowNodeKind =
  | 'start'
  | 'end'
  | 'activity'
  | 'llm'
  | 'timer'
  | 'event'
  | 'sub_orchestration'
  | 'decision'
  | 'fork'
  | 'join'
  | 'loop'
  | 'continue_as_new'
  | 'error';

export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  /** Registered activity / sub-orchestration / event name, LLM operation name. */
  name?: string;
  /** Human label (`diagramLabel` when there is one). */
  label?: string;
  /** 1-based source line. */
  line?: number;
  /** Fill colour from `@activity({ diagramColor })`. */
  color?: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  label?: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface OrchestrationFlow {
  name: string;
  className?: string;
  file: string;
  title?: string;
  description?: string;
  version?: string;
  graph: FlowGraph;
}

export interface FlowGraphDocument {
  orchestrations: OrchestrationFlow[];
}
