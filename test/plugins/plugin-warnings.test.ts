/**
 * The plugin's warnings reach the bundler's own logger — Rollup's `onwarn`, Vite's logger
 * (so `logLevel: 'silent'` silences them), webpack's compilation warnings, esbuild's build
 * messages — at build start and on a Vite hot update, never console.warn behind its back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import esbuildPlugin from '../../plugins/esbuild.js';
import rollupPlugin from '../../plugins/rollup.js';
import vitePlugin from '../../plugins/vite.js';
import webpackPlugin from '../../plugins/webpack.js';
import { makeProject } from '../diagram/diagram-project.js';

const BROKEN = `import { orchestration } from 'duroxide-llm';\n@orchestration()\nexport class Broken {\n  async run(ctx) {\n    await ctx.scheduleActivity('half' \n`;
const MAIN = `import saga from '~duroxide/diagrams/order-saga';\nconsole.log(saga);\n`;
const opts = (root: string) => ({ cwd: root, llm: 'off' as const, outputDir: false as const, dtsFile: false as const });

const consoleWarnings: string[] = [];
beforeEach(() => {
  consoleWarnings.length = 0;
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void consoleWarnings.push(args.map(String).join(' ')));
});
afterEach(() => vi.restoreAllMocks());

it('Rollup hears the build-start warnings through onwarn', { timeout: 60_000 }, async () => {
  const { rollup } = await import('rollup');
  const root = makeProject(['order-saga.ts'], { 'src/main.js': MAIN, 'src/broken.ts': BROKEN });
  const heard: string[] = [];
  const bundle = await rollup({ input: join(root, 'src/main.js'), plugins: [rollupPlugin(opts(root))], onwarn: (w) => void heard.push(w.message) });
  await bundle.close();
  expect(heard.some((w) => w.includes('src/broken.ts:6: could not parse'))).toBe(true);
  expect(consoleWarnings).toEqual([]);
});

it("Vite with logLevel 'silent' prints nothing, at build start or on a hot update", { timeout: 60_000 }, async () => {
  const { createServer } = await import('vite');
  const root = makeProject(['order-saga.ts'], { 'src/broken.ts': BROKEN });
  const server = await createServer({ root, configFile: false, logLevel: 'silent', server: { middlewareMode: true, hmr: false, watch: null }, plugins: [vitePlugin(opts(root))] });
  try {
    expect((await server.transformRequest('~duroxide/diagrams/order-saga'))?.code).toContain('Reserve inventory');
    const file = join(root, 'src/order-saga.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
    const mod = await server.moduleGraph.ensureEntryFromUrl('/src/order-saga.ts');
    const plugin = server.config.plugins.find((p) => p.name === 'duroxide-llm')!;
    const hook = plugin.handleHotUpdate as (ctx: unknown) => Promise<unknown>;
    await hook.call({}, { file, timestamp: Date.now(), modules: [mod], read: async () => readFileSync(file, 'utf8'), server });
    expect((await server.transformRequest('~duroxide/diagrams/order-saga'))?.code).toContain('notifyCustomer');
  } finally {
    await server.close();
  }
  expect(consoleWarnings).toEqual([]);
});

const PARSE_WARNING = 'src/broken.ts:6: could not parse';

it("webpack hears them as the compilation's warnings", { timeout: 60_000 }, async () => {
  const webpack = (await import('webpack')).default;
  const root = makeProject(['order-saga.ts'], { 'src/main.js': MAIN, 'src/broken.ts': BROKEN });
  const warnings = await new Promise<string[]>((resolve, reject) =>
    webpack({ mode: 'none', context: root, entry: './src/main.js', output: { path: join(root, 'dist-webpack') }, plugins: [webpackPlugin(opts(root))] }, (err, stats) =>
      err || !stats ? reject(err) : resolve(stats.compilation.warnings.map((w) => w.message)),
    ),
  );
  expect(warnings.some((w) => w.includes(PARSE_WARNING))).toBe(true);
  expect(consoleWarnings).toEqual([]);
});

it("esbuild hears them as the build's warnings", { timeout: 60_000 }, async () => {
  const { build } = await import('esbuild');
  const root = makeProject(['order-saga.ts'], { 'src/main.js': MAIN, 'src/broken.ts': BROKEN });
  const result = await build({ entryPoints: [join(root, 'src/main.js')], bundle: true, write: false, format: 'esm', logLevel: 'silent', plugins: [esbuildPlugin(opts(root))] });
  expect(result.warnings.some((w) => w.text.includes(PARSE_WARNING))).toBe(true);
  expect(consoleWarnings).toEqual([]);
});
