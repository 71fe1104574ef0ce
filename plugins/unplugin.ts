/**
 * The duroxide-llm bundler plugin (unplugin): serves `~duroxide/diagrams` and
 * `~duroxide/diagrams/<name>` (plus `virtual:` aliases where the bundler allows them), keeps
 * diagrams current in watch mode and Vite HMR, and under Vite lowers TC39 decorators in the
 * files that have them (legacy decorators are Oxc's). All the work happens in src/diagram;
 * this file maps hooks onto it.
 */
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import type { HmrContext } from 'vite';
import { DiagramProject } from '../src/diagram/generate-diagrams.js';
import type { DiagramOptions } from '../src/diagram/diagram-options.js';
import { parseDiagramId } from '../src/diagram/diagram-modules.js';
import { DiagramModuleServer } from '../src/diagram/module-server.js';
import { DECORATOR_LINE, lowerDecorators, type EsbuildLoader } from '../src/diagram/lower-decorators.js';
import { mayContainOrchestration, mayDefineNames } from '../src/diagram/extractor.js';

export interface DuroxidePluginOptions extends DiagramOptions {
  /** Lower TC39 decorators in handled files (default: under Vite and esbuild, whose output keeps them). */
  lowerDecorators?: boolean;
  /** How to load esbuild for the lowering (default: `import('esbuild')`), e.g. a copy Node cannot find from here. */
  esbuild?: EsbuildLoader;
}

type Warn = (message: string) => void;

const SOURCE = /\.(m|c)?[jt]sx?$/;
const NODE_MODULES = /[\\/]node_modules[\\/]/;
/** Every id of a diagram module (`~duroxide/…`, `virtual:duroxide/…`, webpack's `.virtual/` path) contains this. */
const DIAGRAM_ID = /duroxide[\\/]diagrams/;
/** What the name check and the orchestration extractor read (see mayContainOrchestration, mayDefineNames). */
const NAMES = 'registerOrchestration|registerActivity|raiseEvent|function\\s*\\*';

export const unpluginFactory: UnpluginFactory<DuroxidePluginOptions | undefined> = (options = {}, meta) => {
  const server = new DiagramModuleServer(new DiagramProject(options));
  const { project } = server;
  const allowVirtualScheme = meta.framework !== 'webpack' && meta.framework !== 'rspack';
  // esbuild's default target keeps decorators as written, as Vite 8's Oxc does.
  const shouldLower = options.lowerDecorators ?? (meta.framework === 'vite' || meta.framework === 'esbuild');
  const lowering = options.esbuild ? { load: options.esbuild } : {};
  // The build-start redraw overlaps the bundler's work; its warnings go out through the first
  // hook that has the bundler's logger (load, transform,
  // buildEnd); console.warn only when none has one (esbuild, no file handled).
  let startWarnings: Promise<string[]> | null = null;
  const reportStart = async (warn: Warn) => {
    const pending = startWarnings;
    startWarnings = null;
    const list = (await pending) ?? [];
    // One message for all: each bundler warning costs the bundler's logger a round of work.
    if (list.length) warn(list.length === 1 ? list[0] : `${list.length} warnings:\n${list.join('\n')}`);
  };
  const handles = (id: string) =>
    SOURCE.test(id.split('?')[0]) && !id.includes('/node_modules/') && !project.options.exclude.some((x) => id.split(/[\\/]/).includes(x));

  return {
    name: 'duroxide-llm',
    enforce: 'pre',

    buildStart() {
      startWarnings = server.redraw();
    },

    async buildEnd() {
      await reportStart(bundlerWarn(this));
    },

    // Hook filters the bundler applies natively (Vite, Rolldown, Rollup ≥ 4.40) and unplugin
    // applies in JavaScript elsewhere: other imports never cross into JavaScript.
    resolveId: {
      filter: { id: DIAGRAM_ID },
      handler(id) {
        const parsed = parseDiagramId(id);
        if (!parsed || (parsed.scheme === 'virtual' && !allowVirtualScheme)) return null;
        return parsed.canonicalId;
      },
    },

    load: {
      filter: { id: DIAGRAM_ID },
      async handler(id) {
        const parsed = parseDiagramId(id);
        if (!parsed) return null;
        await reportStart((w) => this.warn(w));
        // A one-off build (Rollup, Rolldown, Vite say so) was drawn at its start: nothing to watch or re-check.
        const watching = (this as { meta?: { watchMode?: boolean } }).meta?.watchMode !== false;
        // A watcher that reloads this module without a new build start (webpack, Rspack): redraw first.
        if (watching) for (const w of await server.redrawIfStale()) this.warn(w);
        const code = await server.moduleCode(parsed.slug, (m) => this.warn(m));
        // Diagram modules depend on the orchestration files: watch mode rebuilds them on edits.
        if (watching) for (const file of server.watched) this.addWatchFile(file);
        return code;
      },
    },

    // Vite redraws at build start and on hot updates, so it needs a transform only to lower
    // decorators; elsewhere a watcher may transform an edited file without a new build start.
    transform:
      meta.framework === 'vite'
        ? shouldLower
          ? {
              filter: { id: { include: [SOURCE], exclude: [NODE_MODULES] }, code: DECORATOR_LINE },
              handler: (code, id) => (handles(id) ? lowerDecorators(code, id, { ...lowering, nativeLegacy: true }) : null),
            }
          : undefined
        : {
            filter: {
              id: { include: [SOURCE], exclude: [NODE_MODULES] },
              // Orchestrations, the names they use (the name check), and decorators to lower.
              code: shouldLower ? new RegExp(`${DECORATOR_LINE.source}|${NAMES}`, 'm') : new RegExp(`@orchestration|@activity|${NAMES}`),
            },
            async handler(code, id) {
              if (!handles(id)) return null;
              await reportStart((w) => this.warn(w));
              // Watch mode: redraw only when this file's content differs from what was drawn.
              if (mayContainOrchestration(code) || mayDefineNames(code)) for (const w of await server.redrawIfChanged(id.split('?')[0], code)) this.warn(w);
              return shouldLower ? lowerDecorators(code, id, lowering) : null;
            },
          },

    vite: { handleHotUpdate: (ctx) => viteHotUpdate(ctx, server, handles) },
  };
};

/**
 * Vite HMR: the page may never import the orchestration file itself, so redraw here, then
 * update the diagram modules that depend on it. Warnings go to Vite's logger (`logLevel` and
 * `customLogger` apply).
 */
async function viteHotUpdate(ctx: HmrContext, server: DiagramModuleServer, handles: (id: string) => boolean) {
  if (!handles(ctx.file)) return;
  const { project } = server;
  const code = await ctx.read();
  if (!mayContainOrchestration(code) && !mayDefineNames(code) && !project.extractFile(ctx.file, code).flows.length) return;
  project.extractFile(ctx.file, code);
  await server.settled();
  for (const w of await server.redraw()) ctx.server.config.logger.warn(`[duroxide-llm] ${w}`);
  const graph = ctx.server.moduleGraph;
  const affected = [...graph.idToModuleMap.values()].filter((m) => m.id && parseDiagramId(m.id));
  for (const m of affected) graph.invalidateModule(m);
  return [...ctx.modules, ...affected];
}

/**
 * The hook context's warning channel. Rollup, Rolldown and Vite give every hook `this.warn`;
 * webpack and Rspack only their compilation's warnings; esbuild's build hooks have none.
 */
function bundlerWarn(context: unknown): Warn {
  const c = context as { warn?: Warn; getNativeBuildContext?: () => { compilation?: { warnings: Error[] } } };
  if (typeof c.warn === 'function') return (w) => c.warn!(w);
  const compilation = c.getNativeBuildContext?.().compilation;
  if (compilation) return (w) => void compilation.warnings.push(new Error(`[duroxide-llm] ${w}`));
  return (w) => console.warn(`[duroxide-llm] ${w}`);
}

export const unplugin = /* #__PURE__ */ createUnplugin(unpluginFactory);
export default unplugin;
