/**
 * Vite 8 (Oxc) leaves TC39 standard decorators in its output, which Node 20 cannot run; the
 * plugin lowers them in the files it handles, so decorated orchestrations run.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import vitePlugin from '../../plugins/vite.js';
import { makeProject } from '../diagram/diagram-project.js';
import { requireTool } from '../support/required-tool.js';

const src = resolve(import.meta.dirname, '../../src');
const ENTRY = `import '${join(src, 'tools/symbol-metadata.ts')}';
import { orchestration, activity } from '${join(src, 'tools/decorators.ts')}';
import { getClassMetadata } from '${join(src, 'tools/metadata.ts')}';

export class Payments {
  @activity({ description: 'Charge a card', diagramLabel: 'Charge card' })
  async charge(_ctx, input) { return input; }
}

@orchestration({ name: 'checkout', version: '3.0.0' })
export class Checkout {
  async run(ctx, input) { return ctx.scheduleActivity('charge', input); }
}

export const metadata = { checkout: getClassMetadata(Checkout), payments: getClassMetadata(Payments) };
`;

async function buildWith(plugins: unknown[], outDir: string, root: string) {
  const { build } = await import('vite');
  await build({
    root,
    logLevel: 'silent',
    configFile: false,
    plugins: plugins as never,
    build: { ssr: join(root, 'src/entry.ts'), outDir, minify: false, rollupOptions: { output: { entryFileNames: 'entry.mjs' } } },
  });
  return join(root, outDir, 'entry.mjs');
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

it('without the plugin, Vite leaves standard decorators that Node 20 cannot run', { timeout: 120_000 }, async (ctx) => {
  requireTool(ctx, 'Node 20', nodeMajor < 22, `this is Node ${process.versions.node}; the check needs a Node without decorator syntax`);
  const root = makeProject([], { 'src/entry.ts': ENTRY });
  const plain = await buildWith([], 'dist-plain', root);
  const plainError = await import(pathToFileURL(plain).href).then(() => null, (e: Error) => e);
  expect(plainError?.name).toBe('SyntaxError'); // decorators left as written
});

it('decorated orchestrations built by Vite run on Node 20 with the plugin', { timeout: 120_000 }, async () => {
  const root = makeProject([], { 'src/entry.ts': ENTRY });
  const lowered = await buildWith([vitePlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false })], 'dist-plugin', root);
  const mod = await import(pathToFileURL(lowered).href);
  expect(mod.metadata.checkout.orchestration).toMatchObject({ name: 'checkout', version: '3.0.0' });
  expect(mod.metadata.payments.activities[0].options).toMatchObject({ name: 'charge', diagramLabel: 'Charge card' });
});

it('with experimentalDecorators in tsconfig, Oxc lowers the legacy decorators and the plugin adds no lowering of its own', { timeout: 120_000 }, async () => {
  const root = makeProject([], {
    'src/entry.ts': ENTRY,
    'tsconfig.json': '{\n  // legacy decorators, as many projects still use\n  "compilerOptions": { "experimentalDecorators": true }\n}\n',
  });
  // esbuild is never loaded: a loader that fails would stop the build if the plugin tried.
  const missing = 'esbuild-is-not-installed-here';
  const plugin = vitePlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false, esbuild: () => import(missing) });
  const lowered = await buildWith([plugin], 'dist-legacy', root);
  const out = readFileSync(lowered, 'utf8');
  expect(out).not.toContain('__decorateClass'); // esbuild's helper
  expect(out).toContain('__decorate('); // Oxc's
  const mod = await import(pathToFileURL(lowered).href);
  expect(mod.metadata.checkout.orchestration).toMatchObject({ name: 'checkout', version: '3.0.0' });
  expect(mod.metadata.payments.activities[0].options).toMatchObject({ name: 'charge' });
});

it('when esbuild cannot be loaded, a file with decorators fails the build naming the package to install', { timeout: 120_000 }, async () => {
  const root = makeProject([], { 'src/entry.ts': ENTRY });
  const missing = 'esbuild-is-not-installed-here';
  const plugin = vitePlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false, esbuild: () => import(missing) });
  const error = await buildWith([plugin], 'dist-no-esbuild', root).then(() => null, (e: Error) => e);
  expect(error?.message).toContain('src/entry.ts has decorators');
  expect(error?.message).toContain('npm install -D esbuild');
});

it('a file without decorators builds without esbuild', { timeout: 120_000 }, async () => {
  const root = makeProject([], { 'src/entry.ts': 'export const answer = 42;\n' });
  const missing = 'esbuild-is-not-installed-here';
  const plugin = vitePlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false, esbuild: () => import(missing) });
  const out = await buildWith([plugin], 'dist-plain-no-esbuild', root);
  expect((await import(pathToFileURL(out).href)).answer).toBe(42);
});
