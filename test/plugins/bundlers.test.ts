/**
 * Real builds of a small project that imports diagram modules, with each bundler's JS API:
 * vite, rollup, rolldown, esbuild, webpack and rspack. Builds run one after another (2 cores).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import esbuildPlugin from '../../plugins/esbuild.js';
import rolldownPlugin from '../../plugins/rolldown.js';
import rollupPlugin from '../../plugins/rollup.js';
import rspackPlugin from '../../plugins/rspack.js';
import vitePlugin from '../../plugins/vite.js';
import webpackPlugin from '../../plugins/webpack.js';
import { makeProject } from '../diagram/diagram-project.js';

const MAIN = `import diagrams from '~duroxide/diagrams';
import saga, { title, format } from '~duroxide/diagrams/order-saga';
export const out = { names: Object.keys(diagrams), saga, title, format };
console.log(JSON.stringify(out));
`;
const VIRTUAL = `import saga from 'virtual:duroxide/diagrams/order-saga';\nconsole.log(saga);\n`;
const BROKEN = `import { orchestration } from 'duroxide-llm';\n@orchestration()\nexport class Broken {\n  async run(ctx) {\n    await ctx.scheduleActivity('half' \n`;

function project() {
  return makeProject(['order-saga.ts'], { 'src/main.js': MAIN, 'src/virtual.js': VIRTUAL, 'src/broken-orchestration.ts': BROKEN });
}
const opts = (root: string) => ({ cwd: root, llm: 'off' as const, outputDir: false as const, dtsFile: false as const });

function expectDiagram(code: string) {
  expect(code).toContain('flowchart TD');
  expect(code).toContain('Reserve inventory');
  expect(code).toContain('Order saga');
}

describe('bundler plugins', { timeout: 120_000 }, () => {
  // The project holds a file that does not parse, on purpose: the plugin warns about it through
  // the bundler (plugin-warnings.test.ts). Nothing may reach console.warn (esbuild's build hooks
  // have no logger; that one warning may fall back to it).
  const warnings: string[] = [];
  beforeEach(() => {
    warnings.length = 0;
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(warnings.filter((w) => !w.startsWith('[duroxide-llm] src/broken-orchestration.ts:6: could not parse'))).toEqual([]);
  });

  it('vite builds diagram modules (and the virtual: alias)', async () => {
    const { build } = await import('vite');
    const root = project();
    await build({
      root,
      logLevel: 'silent',
      configFile: false,
      plugins: [vitePlugin(opts(root))],
      build: { outDir: 'dist-vite', minify: false, rollupOptions: { input: { main: join(root, 'src/main.js'), virtual: join(root, 'src/virtual.js') }, output: { entryFileNames: '[name].js' } } },
    });
    // Vite puts the shared diagram module in a chunk of its own: read every output file.
    const all = readdirSync(join(root, 'dist-vite'), { recursive: true })
      .filter((f) => String(f).endsWith('.js'))
      .map((f) => readFileSync(join(root, 'dist-vite', String(f)), 'utf8'))
      .join('\n');
    expectDiagram(all);
    expect(readFileSync(join(root, 'dist-vite/virtual.js'), 'utf8')).toMatch(/import .* from/);
  });

  it('rollup builds diagram modules', async () => {
    const { rollup } = await import('rollup');
    const root = project();
    const bundle = await rollup({ input: [join(root, 'src/main.js'), join(root, 'src/virtual.js')], plugins: [rollupPlugin(opts(root))], onwarn: () => {} });
    const { output } = await bundle.generate({ format: 'es' });
    expectDiagram(output.map((c) => ('code' in c ? c.code : '')).join('\n'));
    await bundle.close();
  });

  it('rollup serves every format of a build with several (formats: mermaid, dot)', async () => {
    const { rollup } = await import('rollup');
    const root = makeProject(['order-saga.ts'], { 'src/main.js': "import saga, { diagrams, format } from '~duroxide/diagrams/order-saga';\nconsole.log(saga, diagrams.dot, format);\n" });
    const bundle = await rollup({ input: join(root, 'src/main.js'), plugins: [rollupPlugin({ ...opts(root), formats: ['mermaid', 'dot'] })], onwarn: () => {} });
    const { output } = await bundle.generate({ format: 'es' });
    const code = output.map((c) => ('code' in c ? c.code : '')).join('\n');
    expect(code).toContain('flowchart TD');
    expect(code).toContain('digraph \\"OrderSaga\\"');
    await bundle.close();
  });

  it('rolldown builds diagram modules', async () => {
    const { rolldown } = await import('rolldown');
    const root = project();
    const bundle = await rolldown({ input: join(root, 'src/main.js'), plugins: [rolldownPlugin(opts(root))], logLevel: 'silent' });
    const { output } = await bundle.generate({ format: 'es' });
    expectDiagram(output.map((c) => ('code' in c ? c.code : '')).join('\n'));
    await bundle.close();
  });

  it('esbuild builds diagram modules', async () => {
    const { build } = await import('esbuild');
    const root = project();
    const result = await build({ entryPoints: [join(root, 'src/main.js')], bundle: true, write: false, format: 'esm', logLevel: 'silent', plugins: [esbuildPlugin(opts(root))] });
    expectDiagram(result.outputFiles[0].text);
  });

  it('webpack builds diagram modules', async () => {
    const webpack = (await import('webpack')).default;
    const root = project();
    await new Promise<void>((resolve, reject) =>
      webpack(
        { mode: 'none', context: root, entry: './src/main.js', output: { path: join(root, 'dist-webpack'), filename: 'main.js' }, plugins: [webpackPlugin(opts(root))] },
        (err, stats) => (err || stats?.hasErrors() ? reject(err ?? new Error(stats?.toString())) : resolve()),
      ),
    );
    expectDiagram(readFileSync(join(root, 'dist-webpack/main.js'), 'utf8'));
  });

  it('rspack builds diagram modules', async () => {
    const { rspack } = await import('@rspack/core');
    const root = project();
    await new Promise<void>((resolve, reject) =>
      rspack(
        { mode: 'none', context: root, entry: './src/main.js', output: { path: join(root, 'dist-rspack'), filename: 'main.js' }, plugins: [rspackPlugin(opts(root))] },
        (err, stats) => (err || stats?.hasErrors() ? reject(err ?? new Error(stats?.toString())) : resolve()),
      ),
    );
    expectDiagram(readFileSync(join(root, 'dist-rspack/main.js'), 'utf8'));
  });
});
