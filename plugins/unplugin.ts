/**
 * The duroxide-llm bundler plugin (unplugin): serves `~duroxide/diagrams` and
 * `~duroxide/diagrams/<name>` (plus `virtual:` aliases where the bundler allows them), keeps
 * diagrams current in watch mode and Vite HMR, and under Vite lowers TC39 decorators in the
 * files it handles. All the work happens in src/diagram; this file maps hooks onto it.
 */
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { DiagramProject } from '../src/diagram/generate-diagrams.js';
import type { DiagramOptions } from '../src/diagram/diagram-options.js';
import { parseDiagramId } from '../src/diagram/diagram-modules.js';
import { DiagramModuleServer } from '../src/diagram/module-server.js';
import { lowerDecorators } from '../src/diagram/lower-decorators.js';
import { mayContainOrchestration } from '../src/diagram/extractor.js';

export interface DuroxidePluginOptions extends DiagramOptions {
  /** Lower TC39 decorators in handled files (default: under Vite only, whose Oxc leaves them). */
  lowerDecorators?: boolean;
}

const SOURCE = /\.(m|c)?[jt]sx?$/;

export const unpluginFactory: UnpluginFactory<DuroxidePluginOptions | undefined> = (options = {}, meta) => {
  const server = new DiagramModuleServer(new DiagramProject(options));
  const { project } = server;
  const allowVirtualScheme = meta.framework !== 'webpack' && meta.framework !== 'rspack';
  const shouldLower = options.lowerDecorators ?? meta.framework === 'vite';
  const handles = (id: string) =>
    SOURCE.test(id.split('?')[0]) && !id.includes('/node_modules/') && !project.options.exclude.some((x) => id.split(/[\\/]/).includes(x));

  return {
    name: 'duroxide-llm',
    enforce: 'pre',

    buildStart() {
      // Started here, awaited where needed (load, transform): it overlaps the bundler's work.
      void server.redraw().then((warnings) => warnings.forEach((w) => console.warn(`[duroxide-llm] ${w}`)));
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
      // A watcher that reloads this module without a new build start (webpack, Rspack): redraw first.
      for (const w of await server.redrawIfStale()) this.warn(w);
      const code = await server.moduleCode(parsed.slug, (m) => this.warn(m));
      // Diagram modules depend on the orchestration files: watch mode rebuilds them on edits.
      for (const file of server.watched) this.addWatchFile(file);
      return code;
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
        // Watch mode: redraw only when this file's content differs from what was drawn.
        if (mayContainOrchestration(code)) for (const w of await server.redrawIfChanged(id.split('?')[0], code)) this.warn(w);
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
        await server.settled();
        await server.redraw();
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
