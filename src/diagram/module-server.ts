/**
 * What the bundler plugin serves, kept current: the diagrams of the last build by module slug,
 * the orchestration files they depend on, and a redraw when one changed. plugins/unplugin.ts
 * maps bundler hooks onto this.
 */
import { diagramModuleCode, diagramsIndexCode, renderingsBySlug } from './diagram-modules.js';
import type { DiagramProject, GeneratedDiagram } from './generate-diagrams.js';

export class DiagramModuleServer {
  /** The last run's renderings, grouped when first needed (a warm build that serves only the index module never needs them). */
  private renderings: () => GeneratedDiagram[] = () => [];
  private grouped: Map<string, GeneratedDiagram[]> | null = null;
  private indexCode: string | null = null;
  private ready: Promise<string[]> = Promise.resolve([]);
  /** Files whose orchestrations the modules show (watch mode depends on them). */
  watched: string[] = [];

  constructor(readonly project: DiagramProject) {}

  /** Starts a full redraw; resolves with its warnings. */
  redraw(): Promise<string[]> {
    this.ready = this.ready.catch(() => []).then(() => this.generate());
    return this.ready;
  }

  /** Waits for the redraw in progress. */
  async settled(): Promise<void> {
    await this.ready.catch(() => []);
  }

  /** Redraws when a file that was drawn changed on disk (watchers that reload without a build start). */
  async redrawIfStale(): Promise<string[]> {
    return this.watched.some((f) => this.project.sources.isStale(f)) ? this.redraw() : [];
  }

  /** Redraws when `code` differs from what was last drawn for `file`. */
  async redrawIfChanged(file: string, code: string): Promise<string[]> {
    await this.settled();
    if (!this.project.hasChanged(file, code)) return [];
    this.project.extractFile(file, code);
    return this.redraw();
  }

  /** The code of `~duroxide/diagrams` (slug null) or `~duroxide/diagrams/<slug>`; `warn` hears of unknown names. */
  async moduleCode(slug: string | null, warn: (message: string) => void): Promise<string> {
    await this.settled();
    if (slug === null) return (this.indexCode ??= diagramsIndexCode([...this.bySlug().values()].map((r) => r[0])));
    const renderings = this.bySlug().get(slug);
    if (!renderings) warn(`~duroxide/diagrams/${slug}: no orchestration with that name (known: ${[...this.bySlug().keys()].join(', ') || 'none'})`);
    return diagramModuleCode(renderings ?? [], slug);
  }

  private async generate(): Promise<string[]> {
    if (!this.project.options.generateDiagrams) return [];
    const result = await this.project.run();
    this.watched = this.project.filesWithOrchestrations();
    this.renderings = () => result.renderings;
    this.grouped = null;
    this.indexCode = result.indexCode ?? null;
    return result.warnings;
  }

  private bySlug(): Map<string, GeneratedDiagram[]> {
    return (this.grouped ??= renderingsBySlug(this.renderings()));
  }
}
