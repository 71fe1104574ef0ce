/**
 * Options of the build step, from plugin/CLI options overridden by a `"duroxide"` block in
 * the project's package.json: { generateDiagrams, diagramFormat, outputDir, llm }.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LlmProvider } from '../llm/provider.js';
import { DIAGRAM_FORMATS, type DiagramFormat } from './render.js';

export type LlmMode = 'off' | 'auto' | 'required';

export interface DiagramOptions {
  /** Project root (default: process.cwd()). */
  cwd?: string;
  /** Set false to turn diagrams off (the modules then export empty strings). */
  generateDiagrams?: boolean;
  diagramFormat?: DiagramFormat;
  /** Folders or files to scan (default `['src']`). */
  include?: string[];
  /** Path fragments to skip (default node_modules, dist, .git). */
  exclude?: string[];
  /** Where diagram files are written (default `docs/diagrams`); false writes none. */
  outputDir?: string | false;
  /** The committable cache folder (default `.duroxide-diagrams`). */
  cacheDir?: string;
  /** `off` (default without a key), `auto` (use a provider when one is configured), `required`, or a provider. */
  llm?: LlmMode | LlmProvider;
  /** A generated TypeScript module of diagram constants (e.g. `src/generated/diagrams.ts`). */
  constantsModule?: string | false;
  /**
   * The generated declaration file for the diagram modules (default `src/duroxide-diagrams.d.ts`),
   * plus `<name>.hover.d.ts` beside it for hover on orchestration classes; false writes none.
   */
  dtsFile?: string | false;
}

export interface ResolvedDiagramOptions {
  cwd: string;
  generateDiagrams: boolean;
  diagramFormat: DiagramFormat;
  include: string[];
  exclude: string[];
  outputDir: string | false;
  cacheDir: string;
  llm: LlmMode | LlmProvider;
  constantsModule: string | false;
  dtsFile: string | false;
}

export class DiagramConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiagramConfigError';
  }
}

export function resolveDiagramOptions(options: DiagramOptions = {}): ResolvedDiagramOptions {
  const cwd = resolve(options.cwd ?? process.cwd());
  const fromPackage = readPackageBlock(cwd);
  const merged: DiagramOptions = { ...options, ...fromPackage };
  const format = merged.diagramFormat ?? 'mermaid';
  if (!DIAGRAM_FORMATS.includes(format)) {
    throw new DiagramConfigError(`diagramFormat "${String(format)}" is not one of ${DIAGRAM_FORMATS.join(', ')}.`);
  }
  const llm = merged.llm ?? 'auto';
  if (typeof llm === 'string' && !['off', 'auto', 'required'].includes(llm)) {
    throw new DiagramConfigError(`llm "${llm}" must be off, auto, required, or an LlmProvider.`);
  }
  return {
    cwd,
    generateDiagrams: merged.generateDiagrams ?? true,
    diagramFormat: format,
    include: merged.include ?? ['src'],
    exclude: merged.exclude ?? ['node_modules', 'dist', '.git'],
    outputDir: merged.outputDir === false ? false : (merged.outputDir ?? 'docs/diagrams'),
    cacheDir: merged.cacheDir ?? '.duroxide-diagrams',
    llm,
    constantsModule: merged.constantsModule ?? false,
    dtsFile: merged.dtsFile === false ? false : (merged.dtsFile ?? 'src/duroxide-diagrams.d.ts'),
  };
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
