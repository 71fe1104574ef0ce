/**
 * Options of the build step. Precedence: explicit CLI flags, then the `"duroxide"` block of the
 * project's package.json, then plugin / build-script options, then defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuroxideError } from '../duroxide-error.js';
import type { LlmProvider } from '../llm/provider.js';
import { DIAGRAM_FORMATS, isDiagramFormat, type DiagramFormat } from './formats/index.js';

export type LlmMode = 'off' | 'auto' | 'required';

export interface DiagramOptions {
  /** Project root (default: process.cwd()). */
  cwd?: string;
  /** Set false to turn diagrams off (the modules then export empty strings). */
  generateDiagrams?: boolean;
  /** The format (default `mermaid`); `formats` draws several, the first is the modules' default. */
  diagramFormat?: DiagramFormat;
  formats?: DiagramFormat[];
  /** Folders or files to scan (default `['src']`). */
  include?: string[];
  /** Path fragments to skip (default node_modules, dist, .git). */
  exclude?: string[];
  /** Where diagram files are written (default `docs/diagrams`); false writes none. */
  outputDir?: string | false;
  /** The committable diagram cache (default `.duroxide-diagrams`). */
  cacheDir?: string;
  /** The local, uncommitted cache of extractions (default `node_modules/.cache/duroxide-llm`). */
  localCacheDir?: string;
  /** `off`, `auto` (default: use a provider when a key is set), `required`, or a provider. */
  llm?: LlmMode | LlmProvider;
  /** Send compared string literals to the LLM (default false: placeholders go, and are substituted back). */
  llmSeesLiterals?: boolean;
  /** A generated TypeScript module of diagram constants (e.g. `src/generated/diagrams.ts`). */
  constantsModule?: string | false;
  /**
   * The generated declaration file for the diagram modules (default `src/duroxide-diagrams.d.ts`),
   * plus `<name>.hover.d.ts` beside it for hover on orchestration classes; false writes none.
   */
  dtsFile?: string | false;
  /** Also put each diagram into the JSDoc of its orchestration class in the source (hover under TypeScript 7). */
  sourceJsdoc?: boolean;
  /** Show a rendered SVG in the hover too (Chromium for mermaid, graphviz, plantuml; rendered offline). */
  hoverImages?: boolean;
  /** Activity, orchestration and event names defined outside the scanned sources (another package or service): the name check accepts them. */
  externalNames?: string[];
}

export interface ResolvedDiagramOptions {
  cwd: string;
  generateDiagrams: boolean;
  /** The first of `formats`. */
  diagramFormat: DiagramFormat;
  formats: DiagramFormat[];
  include: string[];
  exclude: string[];
  outputDir: string | false;
  cacheDir: string;
  localCacheDir: string;
  llm: LlmMode | LlmProvider;
  llmSeesLiterals: boolean;
  constantsModule: string | false;
  dtsFile: string | false;
  sourceJsdoc: boolean;
  hoverImages: boolean;
  externalNames: string[];
}

export class DiagramConfigError extends DuroxideError {}

/** `overrides` (the CLI's explicit flags) beat the package.json block, which beats `options`. */
export function resolveDiagramOptions(options: DiagramOptions = {}, overrides: DiagramOptions = {}): ResolvedDiagramOptions {
  const cwd = resolve(overrides.cwd ?? options.cwd ?? process.cwd());
  const fromPackage = readPackageBlock(cwd);
  const merged: DiagramOptions = { ...formatsOf(options), ...formatsOf(fromPackage), ...formatsOf(overrides) };
  const formats = merged.formats ?? ['mermaid'];
  for (const f of formats) {
    if (!isDiagramFormat(f)) throw new DiagramConfigError(`diagram format "${String(f)}" is not one of ${DIAGRAM_FORMATS.join(', ')}; fix diagramFormat / formats.`);
  }
  if (formats.length === 0) throw new DiagramConfigError(`formats is empty: name at least one of ${DIAGRAM_FORMATS.join(', ')}.`);
  const llm = merged.llm ?? 'auto';
  if (typeof llm === 'string' && !['off', 'auto', 'required'].includes(llm)) {
    throw new DiagramConfigError(`llm "${llm}" must be off, auto, required, or an LlmProvider.`);
  }
  return {
    cwd,
    generateDiagrams: merged.generateDiagrams ?? true,
    diagramFormat: formats[0],
    formats: [...new Set(formats)],
    include: merged.include ?? ['src'],
    exclude: merged.exclude ?? ['node_modules', 'dist', '.git'],
    outputDir: merged.outputDir === false ? false : (merged.outputDir ?? 'docs/diagrams'),
    cacheDir: merged.cacheDir ?? '.duroxide-diagrams',
    localCacheDir: merged.localCacheDir ?? join('node_modules', '.cache', 'duroxide-llm'),
    llm,
    llmSeesLiterals: merged.llmSeesLiterals ?? false,
    constantsModule: merged.constantsModule ?? false,
    dtsFile: merged.dtsFile === false ? false : (merged.dtsFile ?? 'src/duroxide-diagrams.d.ts'),
    sourceJsdoc: merged.sourceJsdoc ?? false,
    hoverImages: merged.hoverImages ?? false,
    externalNames: merged.externalNames ?? [],
  };
}

/** `diagramFormat` is `formats: [it]`; undefined values do not override. */
function formatsOf(o: DiagramOptions): DiagramOptions {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as DiagramOptions;
  if (out.diagramFormat && !out.formats) out.formats = [out.diagramFormat];
  delete out.diagramFormat;
  return out;
}

function readPackageBlock(cwd: string): DiagramOptions {
  const path = join(cwd, 'package.json');
  if (!existsSync(path)) return {};
  try {
    const block = (JSON.parse(readFileSync(path, 'utf8')) as { duroxide?: DiagramOptions }).duroxide;
    return block && typeof block === 'object' ? block : {};
  } catch (err) {
    throw new DiagramConfigError(`${path} is not valid JSON (${(err as Error).message}); fix it to configure diagrams.`);
  }
}
