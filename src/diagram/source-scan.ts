/**
 * Finding orchestrations: the source files under `include`, each one's extraction (reused while
 * the file is unchanged — a stat lookup in a manifest, then a content-hash lookup of a stored
 * extraction, before any parse), and the flows of a set of files with `@activity` labels
 * applied across the project. The manifest and stored extractions live in a local,
 * uncommitted cache folder (`node_modules/.cache/duroxide-llm` by default).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { writeAtomic } from './atomic-write.js';
import type { ResolvedDiagramOptions } from './diagram-options.js';
import { extractOrchestrations, mayContainOrchestration, mayDefineNames, type ActivityDiagramMeta, type DefinedNames, type ExtractionWarning } from './extractor.js';
import { checkNames, projectNames } from './name-check.js';
import { IR_SCHEMA_VERSION, type OrchestrationFlow } from './flow-graph.js';

const SOURCE_EXT = /\.(ts|tsx|js|mjs|cjs|mts|cts)$/;
/** Bump when the extractor draws the same code differently. */
export const EXTRACTOR_VERSION = 3;
const MANIFEST_VERSION = 3;

export interface Extraction {
  hash: string;
  flows: OrchestrationFlow[];
  activities: Map<string, ActivityDiagramMeta>;
  defines: DefinedNames;
  warnings: ExtractionWarning[];
}
interface StoredExtraction {
  contentHash: string;
  flows: OrchestrationFlow[];
  activities: [string, ActivityDiagramMeta][];
  defines: DefinedNames;
  warnings: ExtractionWarning[];
}

/** The flows of a set of files, with what the build step's checks found. */
export interface CollectedFlows {
  flows: OrchestrationFlow[];
  /** Everything to tell the user (file:line first), the checks' findings included. */
  warnings: string[];
  /** The checks' findings alone: unknown names, decisions that differ on replay (`--check --strict` fails on them). */
  checks: string[];
}
interface Manifest {
  version: number;
  files: Record<string, { mtimeMs: number; size: number; hash: string | null }>;
}

const EMPTY = (): Extraction => ({ hash: '', flows: [], activities: new Map(), defines: { orchestrations: [], raisedEvents: [] }, warnings: [] });

export class SourceScan {
  private readonly extracted = new Map<string, Extraction>();
  private manifestData: Manifest | null = null;
  private manifestDirty = false;
  private readonly localDir: string;

  constructor(private readonly options: ResolvedDiagramOptions) {
    this.localDir = resolve(options.cwd, options.localCacheDir);
  }

  /** Source files under `paths` (default `include`), minus `exclude`. */
  listFiles(paths = this.options.include): string[] {
    const out: string[] = [];
    const visit = (p: string) => {
      if (this.options.exclude.some((x) => p.split(sep).includes(x))) return;
      let st;
      try {
        st = statSync(p);
      } catch {
        return;
      }
      if (st.isDirectory()) for (const e of readdirSync(p).sort()) visit(join(p, e));
      else if (SOURCE_EXT.test(p) && !p.endsWith('.d.ts')) out.push(p);
    };
    for (const p of paths) visit(resolve(this.options.cwd, p));
    return out;
  }

  /** Files whose last extraction found orchestrations or names they use (activities, raised events). */
  filesWithOrchestrations(): string[] {
    return [...this.extracted.entries()].filter(([, e]) => e.flows.length || e.activities.size || e.defines.orchestrations.length || e.defines.raisedEvents.length).map(([f]) => f);
  }

  /** Whether `code` differs from the content last extracted for `file`. */
  hasChanged(file: string, code: string): boolean {
    const hit = this.extracted.get(file);
    return !hit || hit.hash !== this.contentHash(file, code);
  }

  /** Whether a file changed on disk (size or mtime) since it was last extracted. */
  isStale(file: string): boolean {
    const stat = statSafe(file);
    const known = this.manifest().files[relative(this.options.cwd, file)];
    return !stat || !known || known.mtimeMs !== stat.mtimeMs || known.size !== stat.size;
  }

  /** Extraction of one file, reused while its content is unchanged. */
  extractFile(file: string, code?: string): Extraction {
    const stat = code === undefined ? statSafe(file) : undefined;
    const warm = stat && this.fromManifest(file, stat);
    if (warm) return warm;
    const text = code ?? readFileSync(file, 'utf8');
    const relevant = mayContainOrchestration(text) || mayDefineNames(text);
    const hash = relevant ? this.contentHash(file, text) : null;
    if (stat) this.remember(file, stat, hash);
    if (!hash) {
      this.extracted.delete(file);
      return EMPTY();
    }
    const hit = this.extracted.get(file);
    if (hit?.hash === hash) return hit;
    const entry = this.storedExtraction(hash) ?? this.parse(file, text, hash);
    this.extracted.set(file, entry);
    return entry;
  }

  /** Flows of the given files, with `@activity` labels applied across the project. */
  collect(files: string[]): CollectedFlows {
    return collectFlows(files.map((f) => this.extractFile(f)), this.options.externalNames);
  }


  /** Writes the manifest when it changed. */
  saveManifest(): void {
    if (!this.manifestDirty || !this.manifestData) return;
    writeAtomic(join(this.localDir, 'manifest.json'), JSON.stringify(this.manifestData));
    this.manifestDirty = false;
  }

  /** Warm path without reading the file: unchanged size and mtime since the last build. */
  private fromManifest(file: string, stat: { mtimeMs: number; size: number }): Extraction | undefined {
    const known = this.manifest().files[relative(this.options.cwd, file)];
    if (!known || known.mtimeMs !== stat.mtimeMs || known.size !== stat.size) return undefined;
    if (known.hash === null) return EMPTY();
    const hit = this.extracted.get(file);
    const entry = hit?.hash === known.hash ? hit : this.storedExtraction(known.hash);
    if (entry) this.extracted.set(file, entry);
    return entry;
  }

  private parse(file: string, text: string, hash: string): Extraction {
    const r = extractOrchestrations(text, relative(this.options.cwd, file), {});
    const stored: StoredExtraction = { contentHash: hash, flows: r.flows, activities: [...r.activities], defines: r.defines, warnings: r.warnings };
    writeAtomic(join(this.localDir, `x-${hash.slice(0, 32)}.json`), JSON.stringify(stored) + '\n');
    return { hash, flows: r.flows, activities: r.activities, defines: r.defines, warnings: r.warnings };
  }

  private storedExtraction(hash: string): Extraction | undefined {
    try {
      const e = JSON.parse(readFileSync(join(this.localDir, `x-${hash.slice(0, 32)}.json`), 'utf8')) as StoredExtraction;
      return e.contentHash === hash ? { hash, flows: e.flows, activities: new Map(e.activities), defines: e.defines, warnings: e.warnings } : undefined;
    } catch {
      return undefined;
    }
  }

  private manifest(): Manifest {
    if (!this.manifestData) {
      try {
        const m = JSON.parse(readFileSync(join(this.localDir, 'manifest.json'), 'utf8')) as Manifest;
        this.manifestData = m.version === MANIFEST_VERSION ? m : { version: MANIFEST_VERSION, files: {} };
      } catch {
        this.manifestData = { version: MANIFEST_VERSION, files: {} };
      }
    }
    return this.manifestData;
  }

  private remember(file: string, stat: { mtimeMs: number; size: number }, hash: string | null): void {
    const key = relative(this.options.cwd, file);
    const prev = this.manifest().files[key];
    if (prev && prev.mtimeMs === stat.mtimeMs && prev.size === stat.size && prev.hash === hash) return;
    this.manifest().files[key] = { mtimeMs: stat.mtimeMs, size: stat.size, hash };
    this.manifestDirty = true;
  }

  private contentHash(file: string, text: string): string {
    return createHash('sha256').update(`${EXTRACTOR_VERSION}\0${IR_SCHEMA_VERSION}\0${relative(this.options.cwd, file)}\0${text}`).digest('hex');
  }
}

function statSafe(file: string): { mtimeMs: number; size: number } | undefined {
  try {
    const st = statSync(file);
    return { mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return undefined;
  }
}

/**
 * The flows of several files' extractions, with `@activity` labels applied across them, and the
 * name check against everything they define (plus `externalNames`).
 */
export function collectFlows(
  extracted: { flows: OrchestrationFlow[]; activities: Map<string, ActivityDiagramMeta>; defines?: DefinedNames; warnings: ExtractionWarning[] }[],
  externalNames: string[] = [],
): CollectedFlows {
  const labels = new Map<string, ActivityDiagramMeta>();
  for (const e of extracted) for (const [k, v] of e.activities) labels.set(k, v);
  const shown = (w: ExtractionWarning) => `${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`;
  const warnings = extracted.flatMap((e) => e.warnings.map(shown));
  const checks = extracted.flatMap((e) => e.warnings.filter((w) => w.check).map(shown));
  const flows = extracted.flatMap((e) => e.flows.map((f) => applyLabels(f, labels)));
  const unknown = checkNames(flows, projectNames(extracted, externalNames));
  warnings.push(...unknown);
  checks.push(...unknown);
  const seen = new Map<string, string>();
  for (const f of flows) {
    const other = seen.get(f.name);
    if (other) warnings.push(`orchestration "${f.name}" is defined in ${other} and ${f.file}; the diagrams overwrite each other`);
    seen.set(f.name, f.file);
  }
  return { flows, warnings, checks };
}

function applyLabels(flow: OrchestrationFlow, labels: Map<string, ActivityDiagramMeta>): OrchestrationFlow {
  const nodes = flow.graph.nodes.map((n) => {
    if (n.kind !== 'activity' || !n.name) return n;
    const meta = labels.get(n.name);
    if (!meta) return n;
    return { ...n, label: n.label && n.label !== n.name ? n.label : (meta.label ?? n.name), ...(meta.color && !n.color ? { color: meta.color } : {}) };
  });
  return { ...flow, graph: { ...flow.graph, nodes } };
}
