/**
 * The build step's core, shared by the CLI, the bundler plugin and the tsc transformer:
 * find orchestrations, get each diagram (cache, LLM, or deterministic), and write outputs —
 * diagram files carrying their IR hash, an optional constants module, and a `.d.ts` that
 * shows each diagram on hover. Files are written only when their content changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { AnthropicProvider } from '../llm/anthropic-provider.js';
import { OpenAIProvider } from '../llm/openai-provider.js';
import type { LlmProvider } from '../llm/provider.js';
import { cacheKey, DiagramCache, EXTRACTOR_VERSION } from './diagram-cache.js';
import { IR_SCHEMA_VERSION } from './flow-graph.js';
import { resolveDiagramOptions, DiagramConfigError, type DiagramOptions, type ResolvedDiagramOptions } from './diagram-options.js';
import { extractOrchestrations, mayContainOrchestration, type ActivityDiagramMeta, type ExtractionWarning } from './extractor.js';
import type { OrchestrationFlow } from './flow-graph.js';
import { irHash } from './ir-hash.js';
import { llmDiagram } from './llm-diagrammer.js';
import { slug } from './node-label.js';
import { FORMAT_EXTENSION, renderDiagram, type DiagramFormat } from './render.js';

const SOURCE_EXT = /\.(ts|tsx|js|mjs|cjs|mts|cts)$/;

export interface GeneratedDiagram {
  name: string;
  /** Module id: `~duroxide/diagrams/<slug>`. */
  slug: string;
  className?: string;
  title?: string;
  file: string;
  format: DiagramFormat;
  diagram: string;
  irHash: string;
  source: 'cache' | 'llm' | 'deterministic';
}

export interface GenerateResult {
  diagrams: GeneratedDiagram[];
  /** Files written (changed) in this run. */
  written: string[];
  warnings: string[];
  llmCalls: number;
}

/** The IR hash line each diagram file ends with; `--check` compares it. */
export function hashLine(format: DiagramFormat, hash: string): string {
  const comment = format === 'dot' ? '//' : format === 'plantuml' ? "'" : '%%';
  return `${comment} duroxide:ir-hash=${hash}`;
}

export class DiagramProject {
  readonly options: ResolvedDiagramOptions;
  private readonly cache: DiagramCache;
  private readonly fileCache = new Map<string, { hash: string; flows: OrchestrationFlow[]; activities: Map<string, ActivityDiagramMeta>; warnings: ExtractionWarning[] }>();
  private provider: LlmProvider | null | undefined;
  llmCalls = 0;

  constructor(options: DiagramOptions = {}) {
    this.options = resolveDiagramOptions(options);
    this.cache = new DiagramCache(resolve(this.options.cwd, this.options.cacheDir));
  }

  /** Source files under `include`, minus `exclude`. */
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

  /** Files whose last extraction found orchestrations or activity declarations. */
  filesWithOrchestrations(): string[] {
    return [...this.fileCache.entries()].filter(([, e]) => e.flows.length || e.activities.size).map(([f]) => f);
  }

  private manifestData: Manifest | null = null;
  private manifestDirty = false;

  /** path -> (mtime, size, content hash or null when the file holds no orchestration). */
  private manifest(): Manifest {
    if (!this.manifestData) {
      try {
        const m = JSON.parse(readFileSync(join(this.cache.dir, 'manifest.json'), 'utf8')) as Manifest;
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

  /** Writes the manifest when it changed (atomically: concurrent builds may share the folder). */
  saveManifest(): void {
    if (!this.manifestDirty || !this.manifestData) return;
    mkdirSync(this.cache.dir, { recursive: true });
    const path = join(this.cache.dir, 'manifest.json');
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.manifestData));
    renameSync(tmp, path);
    this.manifestDirty = false;
  }

  /** Whether `code` differs from the content last extracted for `file`. */
  hasChanged(file: string, code: string): boolean {
    const hit = this.fileCache.get(file);
    return !hit || hit.hash !== contentHash(file, code, this.options.cwd);
  }

  /** Extraction of one file, reused while its content is unchanged. */
  extractFile(file: string, code?: string) {
    // Warm path without even reading the file: unchanged size and mtime since the last build.
    const stat = code === undefined ? statSafe(file) : undefined;
    const known = stat ? this.manifest().files[relative(this.options.cwd, file)] : undefined;
    if (stat && known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) {
      if (known.hash === null) return { flows: [], activities: new Map<string, ActivityDiagramMeta>(), warnings: [] };
      const stored = this.fileCache.get(file)?.hash === known.hash ? this.fileCache.get(file) : this.cache.getExtraction(known.hash);
      if (stored) {
        const entry = 'contentHash' in stored ? { hash: known.hash, flows: stored.flows, activities: new Map(stored.activities), warnings: stored.warnings } : stored;
        this.fileCache.set(file, entry);
        return entry;
      }
    }
    const text = code ?? readFileSync(file, 'utf8');
    if (stat) this.remember(file, stat, mayContainOrchestration(text) ? contentHash(file, text, this.options.cwd) : null);
    if (!mayContainOrchestration(text)) {
      this.fileCache.delete(file);
      return { flows: [], activities: new Map<string, ActivityDiagramMeta>(), warnings: [] };
    }
    const hash = contentHash(file, text, this.options.cwd);
    const hit = this.fileCache.get(file);
    if (hit && hit.hash === hash) return hit;
    // Warm builds: an extraction stored for this exact content is reused without parsing.
    const stored = this.cache.getExtraction(hash);
    if (stored) {
      const entry = { hash, flows: stored.flows, activities: new Map(stored.activities), warnings: stored.warnings };
      this.fileCache.set(file, entry);
      return entry;
    }
    const r = extractOrchestrations(text, relative(this.options.cwd, file), {});
    const entry = { hash, flows: r.flows, activities: r.activities, warnings: r.warnings };
    this.fileCache.set(file, entry);
    this.cache.setExtraction({ contentHash: hash, flows: r.flows, activities: [...r.activities], warnings: r.warnings });
    return entry;
  }

  /** Flows of the given files, with `@activity` labels applied across the project. */
  collect(files: string[]): { flows: OrchestrationFlow[]; warnings: string[] } {
    const extracted = files.map((f) => this.extractFile(f));
    const labels = new Map<string, ActivityDiagramMeta>();
    for (const e of extracted) for (const [k, v] of e.activities) labels.set(k, v);
    const warnings = extracted.flatMap((e) => e.warnings.map((w) => `${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`));
    const flows = extracted.flatMap((e) => e.flows.map((f) => applyLabels(f, labels)));
    const seen = new Map<string, string>();
    for (const f of flows) {
      const other = seen.get(f.name);
      if (other) warnings.push(`orchestration "${f.name}" is defined in ${other} and ${f.file}; the diagrams overwrite each other`);
      seen.set(f.name, f.file);
    }
    return { flows, warnings };
  }

  /** One diagram: from the cache, else the LLM (validated), else the deterministic renderer. */
  async diagramFor(flow: OrchestrationFlow, warnings: string[]): Promise<GeneratedDiagram> {
    const format = this.options.diagramFormat;
    const provider = this.llmProvider();
    const base = describeFlow(flow, format);
    const hash = base.irHash;
    const key = cacheKey({ irHash: hash, format, provider: provider?.name ?? 'none', model: provider?.model ?? 'none' });
    const cached = this.cache.get(key);
    if (cached) return { ...base, diagram: cached.diagram, source: 'cache' };
    if (!provider) return { ...base, diagram: renderDiagram(flow, format), source: 'deterministic' };
    const result = await llmDiagram(flow, format, provider);
    this.llmCalls += result.llmCalls;
    warnings.push(...result.warnings);
    // A deterministic fallback is cached too: the next build does not ask again.
    this.cache.set({ key, format, diagram: result.diagram, source: result.source, irHash: hash, model: provider.model });
    return { ...base, diagram: result.diagram, source: result.source };
  }

  /** Synchronous variant for tsc transformers: the cached diagram, else the deterministic one. */
  cachedOrDeterministic(flow: OrchestrationFlow): GeneratedDiagram {
    const format = this.options.diagramFormat;
    const provider = typeof this.options.llm === 'object' ? this.options.llm : null;
    const base = describeFlow(flow, format);
    const key = cacheKey({ irHash: base.irHash, format, provider: provider?.name ?? 'none', model: provider?.model ?? 'none' });
    const cached = this.cache.get(key);
    return {
      ...base,
      diagram: cached?.diagram ?? renderDiagram(flow, format),
      source: cached ? 'cache' : 'deterministic',
    };
  }

  async run(files = this.listFiles()): Promise<GenerateResult> {
    const { flows, warnings } = this.collect(files);
    const diagrams: GeneratedDiagram[] = [];
    for (const flow of flows) diagrams.push(await this.diagramFor(flow, warnings));
    const written = this.write(diagrams);
    this.saveManifest();
    return { diagrams, written, warnings, llmCalls: this.llmCalls };
  }

  /** Diagram files that no longer match their orchestration (no LLM needed). */
  check(files = this.listFiles()): { stale: string[]; warnings: string[] } {
    const { flows, warnings } = this.collect(files);
    const stale: string[] = [];
    if (this.options.outputDir === false) throw new DiagramConfigError('--check needs an outputDir with committed diagrams.');
    for (const flow of flows) {
      const path = resolve(this.options.cwd, this.options.outputDir, `${slug(flow.name)}.${FORMAT_EXTENSION[this.options.diagramFormat]}`);
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      if (!text.includes(hashLine(this.options.diagramFormat, irHash(flow)))) stale.push(relative(this.options.cwd, path));
    }
    return { stale, warnings };
  }

  /** Writes diagram files, the constants module and the .d.ts; returns what changed. */
  write(diagrams: GeneratedDiagram[]): string[] {
    const written: string[] = [];
    const o = this.options;
    if (o.outputDir !== false) {
      for (const d of diagrams) {
        const path = resolve(o.cwd, o.outputDir, `${d.slug}.${FORMAT_EXTENSION[d.format]}`);
        if (writeIfChanged(path, `${d.diagram.trimEnd()}\n${hashLine(d.format, d.irHash)}\n`)) written.push(path);
      }
    }
    if (o.constantsModule) {
      const path = resolve(o.cwd, o.constantsModule);
      if (writeIfChanged(path, constantsModule(diagrams))) written.push(path);
    }
    if (o.dtsFile) {
      // Ambient module declarations need a script file; class augmentations need a module.
      const path = resolve(o.cwd, o.dtsFile);
      const hoverPath = path.replace(/\.d\.ts$/, '.hover.d.ts');
      if (writeIfChanged(path, moduleDeclarations(diagrams))) written.push(path);
      if (writeIfChanged(hoverPath, classAugmentations(diagrams, dirname(hoverPath), o.cwd))) written.push(hoverPath);
    }
    return written;
  }

  private llmProvider(): LlmProvider | null {
    if (this.provider !== undefined) return this.provider;
    const mode = this.options.llm;
    if (typeof mode === 'object') return (this.provider = mode);
    if (mode === 'off') return (this.provider = null);
    const fromEnv = process.env.OPENAI_API_KEY ? new OpenAIProvider() : process.env.ANTHROPIC_API_KEY ? new AnthropicProvider() : null;
    if (!fromEnv && mode === 'required') {
      throw new DiagramConfigError('llm is "required" but no LLM is configured: set OPENAI_API_KEY or ANTHROPIC_API_KEY, or pass a provider.');
    }
    return (this.provider = fromEnv);
  }
}

/** The programmatic API for build scripts: `await generateDiagrams({ format, outputDir }).run()`. */
export function generateDiagrams(options: DiagramOptions & { format?: DiagramFormat } = {}): DiagramProject {
  const { format, ...rest } = options;
  return new DiagramProject({ ...rest, ...(format ? { diagramFormat: format } : {}) });
}

/** What a generated diagram says about its flow, before the diagram text itself. */
function describeFlow(flow: OrchestrationFlow, format: DiagramFormat): Omit<GeneratedDiagram, 'diagram' | 'source'> {
  return {
    name: flow.name,
    slug: slug(flow.name),
    ...(flow.className ? { className: flow.className } : {}),
    ...(flow.title ? { title: flow.title } : {}),
    file: flow.file,
    format,
    irHash: irHash(flow),
  };
}

const MANIFEST_VERSION = 1;
interface Manifest {
  version: number;
  files: Record<string, { mtimeMs: number; size: number; hash: string | null }>;
}

function statSafe(file: string): { mtimeMs: number; size: number } | undefined {
  try {
    const st = statSync(file);
    return { mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return undefined;
  }
}

function contentHash(file: string, text: string, cwd: string): string {
  return createHash('sha256').update(`${EXTRACTOR_VERSION}\0${IR_SCHEMA_VERSION}\0${relative(cwd, file)}\0${text}`).digest('hex');
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

export function writeIfChanged(path: string, content: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return true;
}

const constName = (name: string) => `${slug(name).replace(/-/g, '_').toUpperCase()}_DIAGRAM`;

function constantsModule(diagrams: GeneratedDiagram[]): string {
  const lines = ['// Generated by duroxide-llm. Do not edit: run the build or `duroxide-llm diagram`.', '/* eslint-disable */', ''];
  for (const d of diagrams) lines.push(`${jsdoc(d, '')}export const ${constName(d.name)} = ${JSON.stringify(d.diagram)};`, '');
  return lines.join('\n');
}

/** JSDoc that shows the diagram in a fenced block on hover. */
export function jsdoc(d: GeneratedDiagram, indent: string): string {
  const fence = d.format === 'dot' ? 'dot' : d.format === 'plantuml' ? 'plantuml' : 'mermaid';
  const body = d.diagram.trimEnd().replace(/\*\//g, '*\\/').split('\n');
  return [`${indent}/**`, `${indent} * ${d.title ?? d.name} (orchestration \`${d.name}\`)`, `${indent} *`, `${indent} * \`\`\`${fence}`, ...body.map((l) => `${indent} * ${l}`), `${indent} * \`\`\``, `${indent} */`, ''].join('\n');
}

function moduleDeclarations(diagrams: GeneratedDiagram[]): string {
  const lines = ['// Generated by duroxide-llm: the diagram modules, with the diagram on hover. Do not edit.', '/* eslint-disable */', ''];
  for (const prefix of ['~duroxide/diagrams', 'virtual:duroxide/diagrams']) {
    lines.push(`declare module '${prefix}' {`, '  const diagrams: Record<string, string>;', '  export default diagrams;', '}', '');
    for (const d of diagrams) {
      lines.push(`declare module '${prefix}/${d.slug}' {`, jsdoc(d, '  ') + '  const diagram: string;', '  export default diagram;', '  export const title: string;', '  export const format: string;', '}', '');
    }
  }
  return lines.join('\n');
}

/** Hover on an orchestration class: a JSDoc'd interface merged into the exported class. */
function classAugmentations(diagrams: GeneratedDiagram[], dtsDir: string, cwd: string): string {
  const lines = ['// Generated by duroxide-llm: shows each diagram when hovering its orchestration class. Do not edit.', '/* eslint-disable */', ''];
  for (const d of diagrams) {
    if (!d.className || !/\.(ts|tsx|mts|cts)$/.test(d.file)) continue;
    let spec = relative(dtsDir, resolve(cwd, d.file)).replace(/\\/g, '/').replace(/\.(ts|tsx|mts|cts)$/, '.js');
    if (!spec.startsWith('.')) spec = `./${spec}`;
    lines.push(`declare module '${spec}' {`, jsdoc(d, '  ') + `  interface ${d.className} {}`, '}', '');
  }
  lines.push('export {};', '');
  return lines.join('\n');
}
