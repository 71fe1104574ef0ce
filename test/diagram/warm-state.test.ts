/**
 * The warm state: one packed file in the local cache folder that lets an unchanged project
 * build without reading a source or a cache entry, that notices every change a build depends
 * on, and that a damaged copy never breaks (the build takes the cold path and rewrites it).
 */
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DiagramCache } from '../../src/diagram/diagram-cache.js';
import { DiagramProject } from '../../src/diagram/generate-diagrams.js';
import { lowerDecorators } from '../../src/diagram/lower-decorators.js';
import { makeProject } from './diagram-project.js';

const STATE = 'node_modules/.cache/duroxide-llm/warm-state.json';
const options = (root: string) => ({ cwd: root, llm: 'off' as const, outputDir: false as const, dtsFile: false as const });
/** A build as the plugin starts one: a new project object per process. */
const build = (root: string) => new DiagramProject(options(root)).run();
const shown = (r: Awaited<ReturnType<typeof build>>) => r.renderings.map((d) => [d.name, d.diagram, d.source]);

it('an unchanged project builds from the warm state alone, with the same diagrams and warnings', async () => {
  const root = makeProject(['order-saga.ts', 'approval.ts'], { 'src/plain.ts': 'export const x = 1;\n' });
  const cold = await build(root);
  expect(readdirSync(join(root, 'node_modules/.cache/duroxide-llm'))).toEqual(['warm-state.json']);

  const warm = new DiagramProject(options(root));
  const result = await warm.run();
  expect(shown(result)).toEqual(shown(cold));
  expect(result.warnings).toEqual(cold.warnings);
  expect(result.indexCode).toContain('order-saga');
  // The module server still knows which files the diagrams depend on, and what they hold.
  expect(warm.filesWithOrchestrations().sort()).toEqual([join(root, 'src/approval.ts'), join(root, 'src/order-saga.ts')]);
  expect(warm.hasChanged(join(root, 'src/order-saga.ts'), readFileSync(join(root, 'src/order-saga.ts'), 'utf8'))).toBe(false);
});

it('an edited orchestration, or an edited entry of the committed diagram cache, is drawn again', async () => {
  const root = makeProject(['order-saga.ts']);
  await build(root);
  const file = join(root, 'src/order-saga.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const edited = (await build(root)).diagrams[0];
  expect(edited.diagram).toContain('notifyCustomer');

  // A teammate's diagram of the same IR arrives in the committed cache: it is served, not the memo.
  const teammate = 'flowchart TD\n  A[drawn by a teammate]';
  new DiagramCache(join(root, '.duroxide-diagrams')).set('order-saga', { name: edited.name, format: 'mermaid', irHash: edited.irHash, source: 'llm', provider: 'openai', model: 'm', diagram: teammate });
  const served = await build(root);
  expect(served.diagrams[0]).toMatchObject({ source: 'cache', diagram: teammate });
});

it('outputs someone removed or edited are written again by a warm build; untouched ones are not even read', async () => {
  const root = makeProject(['order-saga.ts', 'approval.ts']);
  const withOutputs = () => new DiagramProject({ cwd: root, llm: 'off', outputDir: 'docs/diagrams' }).run();
  const first = await withOutputs();
  expect(first.written.length).toBeGreaterThan(0);
  expect((await withOutputs()).written).toEqual([]);
  const diagram = join(root, 'docs/diagrams/order-saga.mmd');
  const text = readFileSync(diagram, 'utf8');
  rmSync(diagram);
  expect((await withOutputs()).written).toEqual([diagram]);
  expect(readFileSync(diagram, 'utf8')).toBe(text);
  writeFileSync(join(root, 'src/duroxide-diagrams.d.ts'), '// edited by hand\n');
  expect((await withOutputs()).written).toEqual([join(root, 'src/duroxide-diagrams.d.ts')]);
  expect((await withOutputs()).written).toEqual([]);
});

it.each([
  ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2))],
  ['garbage', () => '\u0000\u0001 not a warm state'],
  ['misdescribed', (text: string) => text.replace(/"sizes":\{"extractions":\d+/, '"sizes":{"extractions":1')],
])('a %s warm-state file falls back to the cold path with a clear warning, then is rewritten', async (_kind, damage) => {
  const root = makeProject(['order-saga.ts', 'approval.ts']);
  const cold = await build(root);
  const path = join(root, STATE);
  writeFileSync(path, damage(readFileSync(path, 'utf8')));

  const recovered = await build(root);
  expect(shown(recovered)).toEqual(shown(cold));
  expect(recovered.warnings[0]).toMatch(/warm-state\.json could not be read \(.+\); this build re-read every source \(cold path\) and rewrote it/);
  expect(recovered.warnings.slice(1)).toEqual(cold.warnings);

  const next = await build(root);
  expect(next.warnings).toEqual(cold.warnings);
  expect(shown(next)).toEqual(shown(cold));
});

it('the files of earlier versions (a stat manifest, one file per extraction) are removed', async () => {
  const root = makeProject(['order-saga.ts'], {
    'node_modules/.cache/duroxide-llm/manifest.json': '{}',
    'node_modules/.cache/duroxide-llm/x-0123456789abcdef0123456789abcdef.json': '{}',
  });
  await build(root);
  expect(readdirSync(join(root, 'node_modules/.cache/duroxide-llm'))).toEqual(['warm-state.json']);
});

it('with experimentalDecorators, a bundler that lowers legacy decorators itself gets no lowering (esbuild is not even loaded)', async () => {
  const root = makeProject([], { 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true } }\n' });
  const code = '@orchestration({ name: "x" })\nexport class X {}\n';
  let loads = 0;
  const load = async () => {
    loads++;
    return import('esbuild');
  };
  expect(await lowerDecorators(code, join(root, 'src/x.ts'), { load, nativeLegacy: true })).toBeNull();
  expect(loads).toBe(0);
  // Bundlers that do not lower them (lowerDecorators: true elsewhere) still get esbuild's legacy lowering.
  expect((await lowerDecorators(code, join(root, 'src/x.ts'), { load }))?.code).toContain('__decorateClass');
  expect(existsSync(join(root, 'src/x.ts'))).toBe(false); // nothing written
});
