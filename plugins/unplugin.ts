/**
 * The duroxide-llm bundler plugin (unplugin): serves `~duroxide/diagrams` and
 * `~duroxide/diagrams/<name>` (plus `virtual:` aliases where the bundler allows them), keeps
 * diagrams current in watch mode and Vite HMR, and under Vite lowers TC39 decorators in the
 * files it handles. All the work happens in src/diagram; this file maps hooks onto it.
 */
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { DiagramProject, type GeneratedDiagram } from '../src/diagram/generate-diagrams.js';
import type { DiagramOptions } from '../src/diagram/diagram-options.js';
import { diagramModuleCode, diagramsIndexCode, parseDiagramId } from '../src/diagram/diagram-modules.js';
import { lowerDecorators } from '../src/diagram/lower-decorators.js';
import { mayContainOrchestration } from '../src/diagram/extractor.js';

export interface DuroxidePluginOptions extends DiagramOptions {
  /** Lower TC39 decorators in handled files (default: under Vite only, whose Oxc leaves them). */
  lowerDecorators?: boolean;
}

const SOURCE = /\.(m|c)?[jt]sx?$/;

export const unpluginFactory: UnpluginFactory<DuroxidePluginOptions | undefined> = (options = {}, meta) => {
  const project = new DiagramProject(options);
  /** slug -> its renderings, the primary format first. */
  const bySlug = new Map<string, GeneratedDiagram[]>();
  let ready: Promise<void> | null = null;
  const allowVirtualScheme = meta.framework !== 'webpack' && meta.framework !== 'rspack';
  const shouldLower = options.lowerDecorators ?? meta.framework === 'vite';

  const handles = (id: string) =>
    SOURCE.test(id.split('?')[0]) && !id.includes('/node_modules/') && !project.options.exclude.some((x) => id.split(/[\\/]/).includes(x));

  let watched: string[] = [];
  async function generate(): Promise<string[]> {
    if (!project.options.generateDiagrams) return [];
    const files = project.listFiles();
    const result = await project.run(files);
    watched = project.filesWithOrchestrations();
    bySlug.clear();
    for (const d of result.renderings) bySlug.set(d.slug, [...(bySlug.get(d.slug) ?? []), d]);
    return result.warnings;
  }

  return {
    name: 'duroxide-llm',
    enforce: 'pre',

    buildStart() {
      // Started here, awaited where needed (load, transform): it overlaps the bundler's work.
      ready = generate().then((warnings) => {
        for (const w of warnings) console.warn(`[duroxide-llm] ${w}`);
      });
    },

    resolveId(id) {
      const parsed = parseDiagramId(id);
      if (!parsed || (parsed.scheme === 'virtual' && !allowVirtualScheme)) return null;
      return parsed.canonicalId;
    },

    loadInclude(id) {
      return parseDiagramId(id) !== null;
    },

    async load(id) {
      const parsed = parseDiagramId(id);
      if (!parsed) return null;
      // A watcher that re-loads this module without a new build start (webpack, Rspack): redraw first.
      if (watched.some((f) => project.sources.isStale(f))) ready = generate().then((ws) => ws.forEach((w) => this.warn(w)));
      await ready;
      // Diagram modules depend on the orchestration files: watch mode rebuilds them on edits.
      for (const file of watched) this.addWatchFile(file);
      if (parsed.slug === null) return diagramsIndexCode([...bySlug.values()].map((r) => r[0]));
      const renderings = bySlug.get(parsed.slug);
      if (!renderings) {
        this.warn(`~duroxide/diagrams/${parsed.slug}: no orchestration with that name (known: ${[...bySlug.keys()].join(', ') || 'none'})`);
        return diagramModuleCode([], parsed.slug);
      }
      return diagramModuleCode(renderings, parsed.slug);
    },

    // Filters the bundler applies natively (Rolldown, Rollup, Vite): files that cannot hold an
    // orchestration or a decorator never cross into JavaScript.
    transform: {
      filter: {
        id: { include: [SOURCE], exclude: [/[\\/]node_modules[\\/]/] },
        code: shouldLower ? /@[A-Za-z_$]|registerOrchestration|function\s*\*/ : /@orchestration|registerOrchestration|function\s*\*/,
      },
      async handler(code, id) {
        if (!handles(id)) return null;
        if (mayContainOrchestration(code)) {
          // Watch mode: redraw only when this file's content differs from what was drawn
          // (the warm path is a hash comparison).
          await ready;
          if (project.hasChanged(id.split('?')[0], code)) {
            project.extractFile(id.split('?')[0], code);
            for (const w of await generate()) this.warn(w);
          }
        }
        return shouldLower ? lowerDecorators(code, id) : null;
      },
    },

    vite: {
      // The page may never import the orchestration file itself: redraw here, then update
      // the diagram modules that depend on it.
      async handleHotUpdate(ctx) {
        if (!handles(ctx.file)) return;
        const code = await ctx.read();
        if (!mayContainOrchestration(code) && !project.extractFile(ctx.file, code).flows.length) return;
        project.extractFile(ctx.file, code);
        await ready;
        await generate();
        const graph = ctx.server.moduleGraph;
        const affected = [...graph.idToModuleMap.values()].filter((m) => m.id && parseDiagramId(m.id));
        for (const m of affected) graph.invalidateModule(m);
        return [...ctx.modules, ...affected];
      },
    },
  };
};

export const unplugin = /* #__PURE__ */ createUnplugin(unpluginFactory);
export default unplugin;
