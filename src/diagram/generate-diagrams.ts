/**
 * The build step's core, shared by the CLI, the bundler plugin and the tsc transformer: find
 * orchestrations (source-scan.ts), get each diagram (diagram-sourcing.ts: cache, LLM or
 * deterministic) and write the outputs (diagram-outputs.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { LlmProvider } from '../llm/provider.js';
import { DiagramConfigError, resolveDiagramOptions, type DiagramOptions, type LlmMode, type ResolvedDiagramOptions } from './diagram-options.js';
import { diagramsIndexCode, renderingsBySlug } from './diagram-modules.js';
import { diagramPath, hashLine, outputPaths, outputsStamp, writeOutputs, writesOutputs } from './diagram-outputs.js';
import { DiagramSourcing, type GeneratedDiagram } from './diagram-sourcing.js';
import type { OrchestrationFlow } from './flow-graph.js';
import type { DiagramFormat } from './formats/index.js';
import { irHash } from './ir-hash.js';
import { slug } from './node-label.js';
import { HoverImages } from './hover-images.js';
import { PROMPT_VERSION } from './diagram-cache.js';
import { collectFlows, SourceScan, type Extraction } from './source-scan.js';
import { BUILD_STEP_VERSION, type MemoisedRun } from './warm-state.js';

export type { GeneratedDiagram } from './diagram-sourcing.js';
export { hashLine, jsdoc } from './diagram-outputs.js';
export { writeIfChanged } from './atomic-write.js';

export interface GenerateResult {
  /** One diagram per orchestration, in the primary (first) format. */
  diagrams: GeneratedDiagram[];
  /** Every rendering: each orchestration in each format. */
  renderings: GeneratedDiagram[];
  /** Files written (changed) in this run. */
  written: string[];
  warnings: string[];
  llmCalls: number;
  /** Cache entries removed because no orchestration uses them any more. */
  pruned: string[];
  /** The code of `~duroxide/diagrams` for these renderings, when the warm state had it. */
  indexCode?: string;
}

export interface CheckResult {
  /** Diagram files whose IR hash no longer matches the orchestration. */
  stale: string[];
  /** Diagram files that do not exist. */
  missing: string[];
  warnings: string[];
  /** The build step's checks' findings (also in `warnings`): unknown names, decisions that differ on replay. */
  checks: string[];
}

export class DiagramProject {
  readonly options: ResolvedDiagramOptions;
  readonly sources: SourceScan;
  private readonly sourcing: DiagramSourcing;
  private readonly images: HoverImages;

  /** `overrides` (explicit CLI flags) beat the package.json block, which beats `options`. */
  constructor(options: DiagramOptions = {}, overrides: DiagramOptions = {}) {
    this.options = resolveDiagramOptions(options, overrides);
    this.sources = new SourceScan(this.options);
    this.sourcing = new DiagramSourcing(this.options);
    this.images = new HoverImages(resolve(this.options.cwd, this.options.cacheDir));
  }

  get llmCalls(): number {
    return this.sourcing.llmCalls;
  }

  listFiles(paths?: string[]): string[] {
    return this.sources.listFiles(paths);
  }

  filesWithOrchestrations(): string[] {
    return this.sources.filesWithOrchestrations();
  }

  hasChanged(file: string, code: string): boolean {
    return this.sources.hasChanged(file, code);
  }

  extractFile(file: string, code?: string): Extraction {
    return this.sources.extractFile(file, code);
  }

  collect(files: string[]) {
    return this.sources.collect(files);
  }

  diagramFor(flow: OrchestrationFlow, warnings: string[], format: DiagramFormat = this.options.diagramFormat): Promise<GeneratedDiagram> {
    return this.sourcing.diagramFor(flow, format, warnings);
  }

  cachedOrDeterministic(flow: OrchestrationFlow, format: DiagramFormat = this.options.diagramFormat): GeneratedDiagram {
    return this.sourcing.cachedOrDeterministic(flow, format);
  }

  /** Draws `flows` in every configured format: the primary format first per orchestration. */
  async draw(flows: OrchestrationFlow[], warnings: string[], onProgress?: (i: number, flow: OrchestrationFlow) => void): Promise<GeneratedDiagram[]> {
    const out: GeneratedDiagram[] = [];
    for (const [i, flow] of flows.entries()) {
      onProgress?.(i, flow);
      for (const format of this.options.formats) {
        const d = await this.diagramFor(flow, warnings, format);
        // The hover shows the primary format: only it gets a picture.
        const image = this.options.hoverImages && format === this.options.diagramFormat ? await this.images.dataUri(d, warnings) : undefined;
        out.push(image ? { ...d, image } : d);
      }
    }
    return out;
  }

  /**
   * A full build of `files` (default: everything under `include`); prunes the cache when it is
   * everything. An unchanged project (same sources, options and diagram cache as the last full
   * run) is served from the warm state without collecting or drawing.
   */
  async run(files?: string[]): Promise<GenerateResult> {
    const list = files ?? this.listFiles();
    const full = files === undefined || files.length === this.listFiles().length;
    const memoable = full && !this.options.hoverImages;
    const fallback = this.sources.warm.takeFallback();
    const memo = memoable ? await this.memoFor(list) : undefined;
    if (memo) {
      const warnings = [...memo.warnings];
      let written: string[] = [];
      // Outputs someone edited or removed since are written again.
      if (writesOutputs(this.options) && outputsStamp(memo.outputs.paths) !== memo.outputs.stamp) {
        written = this.write(memo.renderings());
        this.sources.warm.setMemo({ ...memo, renderings: memo.renderings(), outputs: this.outputs(memo.renderings()) });
      }
      this.sources.saveManifest();
      return this.result(memo.renderings, { written, warnings, pruned: [], indexCode: memo.indexCode });
    }
    const extractions = await inSlices(list, (f) => this.extractFile(f));
    const { flows, warnings } = collectFlows(extractions, this.options.externalNames);
    const sourceWarnings = [...warnings];
    const renderings = await this.draw(flows, warnings);
    const written = this.write(renderings);
    const pruned = full ? this.prune(flows) : [];
    const key = memoable ? this.runKey(extractions.map((e) => e.hash)) : null;
    if (key !== null) {
      const watched = this.filesWithOrchestrations().map((f) => relative(this.options.cwd, f));
      const served = renderings.map((d) => this.asCached(d));
      const indexCode = diagramsIndexCode([...renderingsBySlug(served).values()].map((r) => r[0]));
      this.sources.warm.setMemo({ key, cacheStamp: this.sourcing.cache.stamp(), renderings: served, warnings: sourceWarnings, watched, indexCode, outputs: this.outputs(renderings) });
    }
    if (fallback) warnings.unshift(fallback);
    this.sources.saveManifest();
    return this.result(() => renderings, { written, warnings, pruned });
  }

  private outputs(renderings: GeneratedDiagram[]): { paths: string[]; stamp: string } {
    const paths = outputPaths(this.options, renderings);
    return { paths, stamp: outputsStamp(paths) };
  }

  private result(renderings: () => GeneratedDiagram[], rest: Pick<GenerateResult, 'written' | 'warnings' | 'pruned' | 'indexCode'>): GenerateResult {
    const primary = this.options.diagramFormat;
    return {
      get renderings() {
        return renderings();
      },
      get diagrams() {
        return renderings().filter((d) => d.format === primary);
      },
      llmCalls: this.llmCalls,
      ...rest,
    };
  }

  /** The last full run's outcome when every file is unchanged on disk and nothing else it depends on changed. */
  private async memoFor(files: string[]): Promise<MemoisedRun | undefined> {
    const hashes = await inSlices(files, (f) => this.sources.knownHash(f));
    if (hashes.includes(undefined)) return undefined;
    const known = hashes as (string | null)[];
    const key = this.runKey(known);
    const memo = key === null ? undefined : this.sources.warm.memo(key, this.sourcing.cache.stamp());
    if (memo) this.sources.adopt(files, known, memo.watched);
    return memo;
  }

  /** What a full run's outcome depends on besides the diagram cache; null when it cannot be known up front. */
  private runKey(contentHashes: (string | null)[]): string | null {
    let llm: string;
    try {
      llm = this.sourcing.llmIdentity();
    } catch {
      return null; // e.g. llm: 'required' without a key: the drawing reports it
    }
    const o = this.options;
    const inputs = [BUILD_STEP_VERSION, PROMPT_VERSION, o.cwd, o.cacheDir, o.formats, llm, o.llmSeesLiterals, o.externalNames];
    const hash = createHash('sha256').update(JSON.stringify(inputs));
    for (const h of contentHashes) if (h) hash.update(h);
    return hash.digest('hex');
  }

  /** How a rendering of this run is seen by the next one: what was drawn with an LLM is in the cache by then. */
  private asCached(d: GeneratedDiagram): GeneratedDiagram {
    return d.source === 'cache' || this.sourcing.llmIdentity() === 'none' ? d : { ...d, source: 'cache' };
  }

  /** Removes cache entries no current orchestration uses. */
  prune(flows: OrchestrationFlow[]): string[] {
    const pictures = this.images.prune(new Set(flows.map((f) => slug(f.name))));
    return [...this.sourcing.cache.prune(new Map(flows.map((f) => [slug(f.name), irHash(f)]))), ...pictures];
  }

  /** Diagram files that are missing or no longer match their orchestration (no LLM needed). */
  check(files = this.listFiles(), only?: string): CheckResult {
    const { flows, warnings, checks } = this.collect(files);
    const outputDir = this.options.outputDir;
    if (outputDir === false) throw new DiagramConfigError('--check needs an outputDir with committed diagrams; set outputDir (or pass --output).');
    const result: CheckResult = { stale: [], missing: [], warnings, checks };
    for (const flow of flows.filter((f) => !only || f.name === only)) {
      for (const format of this.options.formats) {
        const path = diagramPath({ ...this.options, outputDir }, flow.name, format);
        const shown = relative(this.options.cwd, path);
        if (!existsSync(path)) result.missing.push(shown);
        else if (!readFileSync(path, 'utf8').includes(hashLine(format, irHash(flow)))) result.stale.push(shown);
      }
    }
    return result;
  }

  /** Writes diagram files, the constants module and the .d.ts; returns what changed. */
  write(renderings: GeneratedDiagram[]): string[] {
    return writeOutputs(this.options, renderings);
  }
}

/**
 * `fn` over `items`, yielding to the event loop between slices: the build-start scan runs
 * beside the bundler, whose own hooks then need not wait for all of it.
 */
async function inSlices<T, R>(items: T[], fn: (item: T) => R, size = 250): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    for (const item of items.slice(i, i + size)) out.push(fn(item));
  }
  return out;
}

type BuildOptions = DiagramOptions & { format?: DiagramFormat };

/**
 * The programmatic API for build scripts, in two forms:
 * `await generateDiagrams({ format: 'mermaid', outputDir: 'docs' }).run()` and
 * `await generateDiagrams().format('mermaid').outputDir('src/generated').run()`.
 */
export class DiagramBuild {
  private readonly opts: DiagramOptions;
  private built: DiagramProject | null = null;

  constructor(options: BuildOptions = {}) {
    const { format, ...rest } = options;
    this.opts = { ...rest, ...(format ? { diagramFormat: format } : {}) };
  }

  format(format: DiagramFormat): this {
    return this.set({ diagramFormat: format, formats: undefined });
  }
  formats(...formats: (DiagramFormat | DiagramFormat[])[]): this {
    return this.set({ formats: formats.flat(), diagramFormat: undefined });
  }
  outputDir(dir: string | false): this {
    return this.set({ outputDir: dir });
  }
  include(...paths: string[]): this {
    return this.set({ include: paths });
  }
  exclude(...fragments: string[]): this {
    return this.set({ exclude: fragments });
  }
  llm(llm: LlmMode | LlmProvider): this {
    return this.set({ llm });
  }
  cwd(dir: string): this {
    return this.set({ cwd: dir });
  }
  cacheDir(dir: string): this {
    return this.set({ cacheDir: dir });
  }
  dtsFile(file: string | false): this {
    return this.set({ dtsFile: file });
  }
  constantsModule(file: string | false): this {
    return this.set({ constantsModule: file });
  }

  /** The project these options describe (resolved once, on first use). */
  project(): DiagramProject {
    return (this.built ??= new DiagramProject(this.opts));
  }

  run(files?: string[]): Promise<GenerateResult> {
    return this.project().run(files);
  }

  check(files?: string[]): CheckResult {
    return this.project().check(files);
  }

  private set(patch: Partial<DiagramOptions>): this {
    if (this.built) throw new DiagramConfigError('generateDiagrams(): set options before run() or check()');
    Object.assign(this.opts, patch);
    return this;
  }
}

export function generateDiagrams(options: BuildOptions = {}): DiagramBuild {
  return new DiagramBuild(options);
}
