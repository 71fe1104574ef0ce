/**
 * What a diagram draws, read back from its text: labelled nodes and the arrows between them.
 * The structural check compares it with the IR. Block-structured formats (Mermaid sequence
 * diagrams, PlantUML's activity syntax) are read with `BlockGraph`, which turns
 * `alt`/`else`, `opt`, `loop`, `par`/`and`, `critical`/`option` and `break` into arrows.
 */

export interface DrawnNode {
  id: string;
  label: string;
  /**
   * `note`: free text or a junction, never a step and never "invented". `answer`: a reply to the
   * orchestration (a sequence diagram's return message): a step when it names one, else ignored.
   */
  role?: 'step' | 'note' | 'answer';
}

export interface DrawnGraph {
  nodes: DrawnNode[];
  edges: { from: string; to: string }[];
  /** Other readings of the same text; the diagram passes when one of them does. */
  alternatives?: DrawnGraph[];
}

export type BlockKind = 'alt' | 'opt' | 'loop' | 'par' | 'critical' | 'break' | 'group' | 'repeat';

interface Block {
  kind: BlockKind;
  /** The junction every branch starts from (a loop's head). */
  head: string;
  /** Ends of the finished branches. */
  ends: string[];
  /** Steps of the finished non-failure branches: a failure branch is entered from each. */
  tried: string[];
  /** Steps of the open branch. */
  steps: string[];
  branches: number;
}

/** An `else` / `option` that is taken when something in the branch before it failed. */
const FAILURE = /\b(fail|fails|failed|failure|error|errors|exception|catch|rejected|compensat\w*|rollback|on error)\b/i;

export class BlockGraph {
  readonly graph: DrawnGraph = { nodes: [], edges: [] };
  private frontier: string[] = [];
  private readonly stack: Block[] = [];

  /**
   * `failureAware`: an `else ... fails` is entered from every step of the branch before it (the
   * try body inside the alt). Without, it is a plain alternative — the reading of diagrams that
   * call the step first and then branch on its outcome (`alt success` / `else Payment Failed`).
   */
  constructor(private readonly failureAware = true) {
    this.frontier = [this.add('', 'note')];
  }

  /** A drawn step (or note) after whatever came before. */
  node(label: string, role: 'step' | 'note' | 'answer' = 'step'): void {
    const id = this.add(label, role);
    this.link(this.frontier, id);
    if (role === 'step') for (const b of this.stack) b.steps.push(id);
    this.frontier = [id];
  }

  open(kind: BlockKind): void {
    const head = this.add('', 'note');
    this.link(this.frontier, head);
    this.stack.push({ kind, head, ends: [], tried: [], steps: [], branches: 1 });
    this.frontier = [head];
  }

  /** `else` / `and` / `option` (Mermaid), `else` / `fork again` (PlantUML). */
  branch(label = ''): void {
    const b = this.stack.at(-1);
    if (!b) return;
    b.ends.push(...this.frontier);
    b.branches++;
    const failure = this.failureAware && (b.kind === 'critical' || FAILURE.test(label));
    if (!failure) b.tried = [];
    b.tried.push(...b.steps.filter((s) => !b.tried.includes(s)));
    b.steps = [];
    this.frontier = failure && b.tried.length ? [...b.tried] : [b.head];
  }

  close(): void {
    const b = this.stack.pop();
    if (!b) return;
    const end = this.frontier;
    switch (b.kind) {
      case 'loop':
        this.link(end, b.head);
        this.frontier = [b.head];
        return;
      case 'repeat':
        this.link(end, b.head);
        this.frontier = end.length ? end : [b.head];
        return;
      case 'break':
        this.frontier = []; // the flow ends here (an unconditional break ends its branch)
        return;
    }
    const merge = this.add('', 'note');
    this.link([...b.ends, ...end], merge);
    // One-branch alt and opt may be skipped.
    if (b.kind === 'opt' || (b.kind === 'alt' && b.branches === 1)) this.link([b.head], merge);
    this.frontier = [merge];
  }

  /** PlantUML `stop` / `end` / `kill`: the open path ends here. */
  terminate(): void {
    this.frontier = [];
  }

  finish(): DrawnGraph {
    while (this.stack.length) this.close();
    return this.graph;
  }

  private add(label: string, role: 'step' | 'note' | 'answer'): string {
    const id = `d${this.graph.nodes.length}`;
    this.graph.nodes.push({ id, label, role });
    return id;
  }

  private link(from: string[], to: string): void {
    for (const f of from) this.graph.edges.push({ from: f, to });
  }
}
