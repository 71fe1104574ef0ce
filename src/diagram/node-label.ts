/** The text a renderer shows for a node. */
import type { FlowNode } from './flow-graph.js';

export function nodeText(n: FlowNode): string {
  return n.label ?? n.name ?? n.kind;
}

/** A name for the file and module of a flow: `OrderSaga` -> `order-saga`. */
export function slug(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}
