/**
 * What the bundler plugin serves, kept current: the diagrams of the last build by module slug,
 * the orchestration files they depend on, and a redraw when one changed. plugins/unplugin.ts
 * maps bundler hooks onto this.
 */
import { diagramModuleCode, diagramsIndexCode } from './diagram-modules.js';
import type { DiagramProject, GeneratedDiagram } from './generate-diagrams.js';

export class DiagramModuleServer {
  /** slug -> its renderings, the primary format first. */
  private readonly bySlug = new Map<string, GeneratedDiagram[]>();
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
    if (slug === null) return diagramsIndexCode([...this.bySlug.values()].map((r) => r[0]));
    const renderings = this.bySlug.get(slug);
    if (!renderings) warn(`~duroxide/diagrams/${slug}: no orchestration with that name (known: ${[...this.bySlug.keys()].join(', ') || 'none'})`);
    return diagramModuleCode(renderings ?? [], slug);
  }

  private async generate(): Promise<string[]> {
    if (!this.project.options.generateDiagrams) return [];
    const result = await this.project.run(this.project.listFiles());
    this.watched = this.project.filesWithOrchestrations();
    this.bySlug.clear();
    for (const d of result.renderings) this.bySlug.set(d.slug, [...(this.bySlug.get(d.slug) ?? []), d]);
    return result.warnings;
  }
}
