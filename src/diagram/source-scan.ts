/**
 * Finding orchestrations: the source files under `include`, each one's extraction (reused while
 * the file is unchanged — a stat lookup in the warm state, then a content-hash lookup of a
 * stored extraction, before any parse), and the flows of a set of files with `@activity` labels
 * applied across the project. The warm state is one packed file in a local, uncommitted cache
 * folder (`node_modules/.cache/duroxide-llm` by default).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { ResolvedDiagramOptions } from './diagram-options.js';
import { extractOrchestrations, mayContainOrchestration, mayDefineNames, type ActivityDiagramMeta, type DefinedNames, type ExtractionWarning } from './extractor.js';
import { checkNames, projectNames } from './name-check.js';
import { IR_SCHEMA_VERSION, type OrchestrationFlow } from './flow-graph.js';
import { WARM_STATE_FILE, WarmState } from './warm-state.js';

const SOURCE_EXT = /\.(ts|tsx|js|mjs|cjs|mts|cts)$/;
/** Bump when the extractor draws the same code differently. */
export const EXTRACTOR_VERSION = 3;

export interface Extraction {
  hash: string;
  flows: OrchestrationFlow[];
  activities: Map<string, ActivityDiagramMeta>;
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

const EMPTY = (): Extraction => ({ hash: '', flows: [], activities: new Map(), defines: { orchestrations: [], raisedEvents: [] }, warnings: [] });

export class SourceScan {
  private readonly extracted = new Map<string, Extraction>();
  /** Files a memoised run vouched for without extracting them: their content hash, and those that matter. */
  private readonly adoptedHashes = new Map<string, string>();
  private readonly adoptedRelevant = new Set<string>();
  readonly warm: WarmState;

  constructor(private readonly options: ResolvedDiagramOptions) {
    this.warm = new WarmState(join(resolve(options.cwd, options.localCacheDir), WARM_STATE_FILE));
  }

  /** Source files under `paths` (default `include`), minus `exclude`. */
  listFiles(paths = this.options.include): string[] {
    const out: string[] = [];
    const excluded = (name: string) => this.options.exclude.includes(name);
    const visit = (p: string, isDir: boolean) => {
      if (!isDir) {
        if (SOURCE_EXT.test(p) && !p.endsWith('.d.ts')) out.push(p);
        return;
      }
      let entries: Dirent[];
      try {
        entries = readdirSync(p, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (excluded(e.name)) continue;
        const path = join(p, e.name);
        if (e.isDirectory()) visit(path, true);
        else if (e.isFile()) visit(path, false);
        else if (e.isSymbolicLink()) visit(path, statSafe(path)?.isDirectory ?? false);
      }
    };
    for (const p of paths) {
      const root = resolve(this.options.cwd, p);
      if (this.options.exclude.some((x) => root.split(sep).includes(x))) continue;
      const st = statSafe(root);
      if (st) visit(root, st.isDirectory);
    }
    return out;
  }

  /** Files whose last extraction found orchestrations or names they use (activities, raised events). */
  filesWithOrchestrations(): string[] {
    const extracted = [...this.extracted.entries()].filter(([, e]) => e.flows.length || e.activities.size || e.defines.orchestrations.length || e.defines.raisedEvents.length).map(([f]) => f);
    return [...extracted, ...[...this.adoptedRelevant].filter((f) => !this.extracted.has(f))];
  }

  /** Whether `code` differs from the content last extracted for `file`. */
  hasChanged(file: string, code: string): boolean {
    const hash = this.extracted.get(file)?.hash ?? this.adoptedHashes.get(file);
    return hash === undefined || hash !== this.contentHash(file, code);
  }

  /** The content hash the warm state holds for a file unchanged on disk (null: nothing in it to extract); undefined when it changed or is new. */
  knownHash(file: string): string | null | undefined {
    const stat = statSafe(file);
    const known = stat && this.warm.file(this.rel(file));
    return known && known.mtimeMs === stat.mtimeMs && known.size === stat.size ? known.hash : undefined;
  }

  /** Takes a memoised run's word for `files` (their `knownHash`es; `relevant` relative to the project) instead of extracting them. */
  adopt(files: string[], hashes: (string | null)[], relevant: string[]): void {
    files.forEach((f, i) => hashes[i] && this.adoptedHashes.set(f, hashes[i]));
    for (const rel of relevant) this.adoptedRelevant.add(resolve(this.options.cwd, rel));
  }

  /** Whether a file changed on disk (size or mtime) since it was last extracted. */
  isStale(file: string): boolean {
    const stat = statSafe(file);
    const known = this.warm.file(this.rel(file));
    return !stat || !known || known.mtimeMs !== stat.mtimeMs || known.size !== stat.size;
  }

  /** Extraction of one file, reused while its content is unchanged. */
  extractFile(file: string, code?: string): Extraction {
    this.adoptedHashes.delete(file);
    this.adoptedRelevant.delete(file);
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


  /** Writes the warm state when it changed. */
  saveManifest(): void {
    this.warm.save();
  }

  /** Warm path without reading the file: unchanged size and mtime since the last build. */
  private fromManifest(file: string, stat: { mtimeMs: number; size: number }): Extraction | undefined {
    const known = this.warm.file(this.rel(file));
    if (!known || known.mtimeMs !== stat.mtimeMs || known.size !== stat.size) return undefined;
    if (known.hash === null) return EMPTY();
    const hit = this.extracted.get(file);
    const entry = hit?.hash === known.hash ? hit : this.storedExtraction(known.hash);
    if (entry) this.extracted.set(file, entry);
    return entry;
  }

  private parse(file: string, text: string, hash: string): Extraction {
    const r = extractOrchestrations(text, relative(this.options.cwd, file), {});
    this.warm.setExtraction(hash, { flows: r.flows, activities: [...r.activities], defines: r.defines, warnings: r.warnings });
    return { hash, flows: r.flows, activities: r.activities, defines: r.defines, warnings: r.warnings };
  }

  private storedExtraction(hash: string): Extraction | undefined {
    const e = this.warm.extraction(hash);
    return e && { hash, flows: e.flows, activities: new Map(e.activities), defines: e.defines, warnings: e.warnings };
  }

  private remember(file: string, stat: { mtimeMs: number; size: number }, hash: string | null): void {
    this.warm.setFile(this.rel(file), { mtimeMs: stat.mtimeMs, size: stat.size, hash });
  }

  /** `relative(cwd, file)`, without path.relative's cost for the usual file under the project. */
  private rel(file: string): string {
    const root = this.options.cwd.endsWith(sep) ? this.options.cwd : this.options.cwd + sep;
    return file.startsWith(root) && !file.includes(`${sep}..`) ? file.slice(root.length) : relative(this.options.cwd, file);
  }

  private contentHash(file: string, text: string): string {
    return createHash('sha256').update(`${EXTRACTOR_VERSION}\0${IR_SCHEMA_VERSION}\0${relative(this.options.cwd, file)}\0${text}`).digest('hex');
  }
}

function statSafe(file: string): { mtimeMs: number; size: number; isDirectory: boolean } | undefined {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    return st && { mtimeMs: st.mtimeMs, size: st.size, isDirectory: st.isDirectory() };
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
