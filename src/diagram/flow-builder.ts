/**
 * Builds a FlowGraph while the extractor walks code: nodes get deterministic ids in walk
 * order, and a "frontier" of open exits is connected to whatever comes next.
 */
import type { FlowEdge, FlowGraph, FlowNode, FlowNodeKind } from './flow-graph.js';

/** An open end of the graph so far: the next node connects from it, with this label. */
export interface Exit {
  from: string;
  label?: string;
}

export class FlowBuilder {
  readonly nodes: FlowNode[] = [];
  readonly edges: FlowEdge[] = [];
  private next = 1;

  constructor() {
    this.nodes.push({ id: 'start', kind: 'start', label: 'Start' });
  }

  add(kind: FlowNodeKind, fields: Omit<FlowNode, 'id' | 'kind'> = {}): string {
    const id = `n${this.next++}`;
    this.nodes.push({ id, kind, ...fields });
    return id;
  }

  /** Connects every exit to `to` and returns the single exit `to`. */
  connect(exits: Exit[], to: string): Exit[] {
    for (const e of exits) {
      if (!this.edges.some((x) => x.from === e.from && x.to === to && x.label === e.label)) {
        this.edges.push(e.label ? { from: e.from, to, label: e.label } : { from: e.from, to });
      }
    }
    return [{ from: to }];
  }

  /** Adds a node after `exits` and returns it as the new frontier. */
  step(exits: Exit[], kind: FlowNodeKind, fields: Omit<FlowNode, 'id' | 'kind'> = {}): Exit[] {
    return this.connect(exits, this.add(kind, fields));
  }

  /** Ends open paths at a single end node. */
  finish(exits: Exit[]): FlowGraph {
    // A flow that always ends in continue-as-new or a throw has no End.
    if (exits.length || this.nodes.length === 1) {
      this.endNode();
      this.connect(exits, 'end');
    }
    return { nodes: this.nodes, edges: this.edges };
  }

  endNode(): string {
    if (!this.nodes.some((n) => n.id === 'end')) this.nodes.push({ id: 'end', kind: 'end', label: 'End' });
    return 'end';
  }

  relabel(exits: Exit[], label: string): Exit[] {
    return exits.map((e) => ({ from: e.from, label: e.label ? `${e.label}, ${label}` : label }));
  }
}
