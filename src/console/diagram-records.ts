/**
 * Where the console finds an orchestration's diagram: the records a runtime (or a build script)
 * put in the store, or — with `--source DIR` — flows extracted from source on the spot.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractOrchestrations, mayContainOrchestration, mayDefineNames } from '../diagram/extractor.js';
import type { FlowGraph, FlowGraphDocument, OrchestrationFlow } from '../diagram/flow-graph.js';
import { renderDiagram } from '../diagram/render.js';
import { collectFlows } from '../diagram/source-scan.js';
import type { Json } from '../runtime/history.js';
import type { DiagramRecord, Store } from '../store/store.js';

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.duroxide']);

/** The diagram the console draws for one instance, and where it came from. */
export interface ConsoleDiagram {
  name: string;
  version: string | null;
  graph: FlowGraph;
  /** Mermaid flowchart drawn from the IR (node ids = IR ids, `end` drawn as `finish`). */
  mermaid: string;
  file?: string;
  source: 'store' | 'source';
  /** True when the record is of another version than the instance's. */
  otherVersion?: boolean;
}

/**
 * Records the flow graph and diagram of each orchestration in `document` for `version` (or each
 * flow's own version, default 1.0.0). Stores without diagram records ignore it.
 */
export async function recordDiagrams(store: Store, document: FlowGraphDocument, opts: { version?: string; diagrams?: Record<string, string> } = {}): Promise<number> {
  if (!store.putDiagram) return 0;
  let n = 0;
  for (const flow of document.orchestrations) {
    await store.putDiagram({
      name: flow.name,
      version: opts.version ?? flow.version ?? '1.0.0',
      graph: flow.graph as unknown as Json,
      diagram: opts.diagrams?.[flow.name] ?? renderDiagram(flow, 'mermaid'),
      file: flow.file,
      recordedAtMs: Date.now(),
    });
    n++;
  }
  return n;
}

/** Extracts every orchestration under `dir` (files keep absolute paths, so code sites match exactly). */
export function extractFromSource(dir: string): { flows: OrchestrationFlow[]; warnings: string[] } {
  const files: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!SKIP_DIRS.has(e)) visit(join(p, e));
    } else if (SOURCE_EXT.test(p) && !p.endsWith('.d.ts')) files.push(p);
  };
  visit(resolve(dir));
  const extracted = files.flatMap((file) => {
    const code = readFileSync(file, 'utf8');
    return mayContainOrchestration(code) || mayDefineNames(code) ? [extractOrchestrations(code, file)] : [];
  });
  return collectFlows(extracted);
}

/** Markup in labels (activity names, compared literals) drawn as text: mermaid's entity codes. */
const TEXT_ENTITIES: Record<string, string> = { '<': '#lt;', '>': '#gt;', '&': '#amp;', '`': '#96;', '\\': '#92;' };
const asText = (s: string | undefined) => (s === undefined ? s : s.replace(/[<>&`\\]/g, (c) => TEXT_ENTITIES[c]));

/** The IR drawn as a mermaid flowchart whose labels can only be text. */
export function safeMermaid(name: string, graph: FlowGraph): string {
  const nodes = graph.nodes.map((n) => ({ ...n, ...(n.label !== undefined ? { label: asText(n.label) } : {}), ...(n.name !== undefined ? { name: asText(n.name) } : {}) }));
  const edges = graph.edges.map((e) => ({ ...e, ...(e.label !== undefined ? { label: asText(e.label) } : {}) }));
  return renderDiagram({ name, file: '', graph: { nodes, edges } }, 'mermaid');
}

function fromRecord(r: DiagramRecord, version: string | null): ConsoleDiagram {
  const graph = r.graph as unknown as FlowGraph;
  return {
    name: r.name,
    version: r.version,
    graph,
    mermaid: safeMermaid(r.name, graph),
    ...(r.file ? { file: r.file } : {}),
    source: 'store',
    ...(version !== null && r.version !== version ? { otherVersion: true } : {}),
  };
}

/** Diagram lookup with a short cache: store records first, then flows from `--source`. */
export class DiagramCatalog {
  private readonly cache = new Map<string, { at: number; records: DiagramRecord[] }>();
  private sourceFlows: OrchestrationFlow[] | null = null;

  constructor(
    private readonly store: Store,
    private readonly sourceDir?: string,
    private readonly ttlMs = 5_000,
  ) {}

  private async records(name: string): Promise<DiagramRecord[]> {
    if (!this.store.listDiagrams) return [];
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.records;
    const records = await this.store.listDiagrams(name);
    this.cache.set(name, { at: Date.now(), records });
    return records;
  }

  async find(name: string, version: string | null): Promise<ConsoleDiagram | null> {
    const records = await this.records(name);
    const exact = records.find((r) => r.version === version);
    if (exact) return fromRecord(exact, version);
    if (this.sourceDir) {
      this.sourceFlows ??= extractFromSource(this.sourceDir).flows;
      const flow = this.sourceFlows.find((f) => f.name === name && (!f.version || f.version === version)) ?? this.sourceFlows.find((f) => f.name === name);
      if (flow) {
        return {
          name,
          version: flow.version ?? null,
          graph: flow.graph,
          mermaid: safeMermaid(name, flow.graph),
          file: flow.file,
          source: 'source',
          ...(flow.version && version !== null && flow.version !== version ? { otherVersion: true } : {}),
        };
      }
    }
    const latest = records[records.length - 1];
    return latest ? fromRecord(latest, version) : null;
  }
}
