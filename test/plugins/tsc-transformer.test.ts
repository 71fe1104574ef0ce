/** The tsc transformer puts each orchestration's diagram into the emitted .d.ts of its class. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import duroxideDeclarations from '../../plugins/tsc.js';
import { makeProject } from '../diagram/diagram-project.js';
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
