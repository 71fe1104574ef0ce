/** The tsc transformer puts each orchestration's diagram into the emitted .d.ts of its class. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import duroxideDeclarations from '../../plugins/tsc.js';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { renderDiagram } from '../../src/diagram/render.js';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { FIXTURES, makeProject } from '../diagram/diagram-project.js';
import { requireTool } from '../support/required-tool.js';

const STUB = {
  'node_modules/duroxide-llm/index.d.ts': 'export declare function orchestration(o?: object): any;\nexport declare function activity(o?: object): any;\nexport type OrchestrationContext = any;\n',
  'node_modules/duroxide-llm/package.json': JSON.stringify({ name: 'duroxide-llm', types: 'index.d.ts' }),
};
const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  declaration: true,
  emitDeclarationOnly: true,
  experimentalDecorators: true,
  skipLibCheck: true,
  types: [],
};

it('adds the diagram JSDoc to the orchestration class in the emitted .d.ts (TypeScript emit API)', () => {
  const root = makeProject(['order-saga.ts'], STUB);
  const program = ts.createProgram([join(root, 'src/order-saga.ts')], { ...compilerOptions, outDir: join(root, 'types') });
  const result = program.emit(undefined, undefined, undefined, true, { afterDeclarations: [duroxideDeclarations(program, { cwd: root }, { ts: ts as never }) as ts.TransformerFactory<ts.SourceFile | ts.Bundle>] });
  expect(result.emitSkipped).toBe(false);
  const dts = readFileSync(join(root, 'types/order-saga.d.ts'), 'utf8');
  const classAt = dts.indexOf('export declare class OrderSaga');
  const docAt = dts.indexOf('```mermaid');
  expect(docAt).toBeGreaterThan(-1);
  expect(docAt).toBeLessThan(classAt);
  expect(dts.slice(docAt, classAt)).toContain('Reserve inventory');
  // Activity classes are left as they were.
  expect(dts.slice(0, dts.indexOf('export declare class OrderActivities'))).not.toContain('```mermaid');
});

it('works as a ts-patch transformer through tspc', (ctx) => {
  const plugin = resolve(import.meta.dirname, '../../dist/plugins/tsc.js');
  requireTool(ctx, 'the built transformer (dist/plugins/tsc.js)', existsSync(plugin), 'run `npm run build` (npm ci does it through prepare)');
  const root = makeProject(['order-saga.ts'], STUB);
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', declaration: true, emitDeclarationOnly: true, experimentalDecorators: true, skipLibCheck: true, rootDir: 'src', outDir: 'types', types: [], plugins: [{ transform: plugin, afterDeclarations: true, llm: 'off' }] },
      include: ['src'],
    }),
  );
  const tspc = resolve(import.meta.dirname, '../../node_modules/ts-patch/bin/tspc.js');
  const run = spawnSync(process.execPath, [tspc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  expect(run.stdout + run.stderr).toBe('');
  expect(readFileSync(join(root, 'types/order-saga.d.ts'), 'utf8')).toContain('```mermaid');
});

it("uses the plugin's cached LLM diagram and keeps the author's JSDoc, adding the diagram below it", async () => {
  const saga = readFileSync(join(FIXTURES, 'order-saga.ts'), 'utf8').replace('@orchestration({', '/**\n * Reserves, charges and ships an order.\n * @see https://example.com/sagas\n */\n@orchestration({');
  const root = makeProject([], { ...STUB, 'src/order-saga.ts': saga });
  // The bundler plugin's build, with a model, fills the committed cache.
  const model = new MockLlmProvider([{ match: 'Draw', respond: (req) => ({ text: `${renderDiagram({ ...JSON.parse(req.prompt!.split('\n').find((l) => l.startsWith('{"name"'))!), file: 'x.ts' }, 'mermaid')}%% drawn by the model\n` }) }]);
  const built = await generateDiagrams({ cwd: root, llm: model }).run();
  expect(built.diagrams[0].source).toBe('llm');
  await stopMermaidValidator();

  const program = ts.createProgram([join(root, 'src/order-saga.ts')], { ...compilerOptions, outDir: join(root, 'types') });
  program.emit(undefined, undefined, undefined, true, { afterDeclarations: [duroxideDeclarations(program, { cwd: root }, { ts: ts as never }) as ts.TransformerFactory<ts.SourceFile | ts.Bundle>] });
  const dts = readFileSync(join(root, 'types/order-saga.d.ts'), 'utf8');
  const doc = dts.slice(0, dts.indexOf('export declare class OrderSaga'));
  expect(doc.match(/\/\*\*/g)?.length).toBe(1); // one JSDoc, so the editor shows both parts
  expect(doc.indexOf('Reserves, charges and ships an order.')).toBeLessThan(doc.indexOf('```mermaid'));
  expect(doc).toContain('@see https://example.com/sagas');
  expect(doc).toContain('%% drawn by the model');
});
