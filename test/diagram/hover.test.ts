/** Hovering a diagram import and an orchestration class shows the diagram (TS language service). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { makeProject } from './diagram-project.js';

function quickInfo(root: string, file: string, needle: string, nth = 0): string {
  const files = [join(root, 'src/order-saga.ts'), join(root, 'src/use.ts'), join(root, 'src/duroxide-diagrams.d.ts'), join(root, 'src/duroxide-diagrams.hover.d.ts')];
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, experimentalDecorators: true, types: [] };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  };
  const service = ts.createLanguageService(host);
  const text = readFileSync(join(root, file), 'utf8');
  let pos = -1;
  for (let i = 0; i <= nth; i++) pos = text.indexOf(needle, pos + 1);
  const info = service.getQuickInfoAtPosition(join(root, file), pos + 1);
  return ts.displayPartsToString(info?.documentation ?? []);
}

it('hovering a diagram import and the orchestration class shows the diagram in a fenced block', async () => {
  const root = makeProject(['order-saga.ts'], {
    'src/use.ts': "import orderSaga from '~duroxide/diagrams/order-saga';\nexport const d: string = orderSaga;\n",
    'node_modules/duroxide-llm/index.d.ts': 'export declare function orchestration(o?: object): any;\nexport declare function activity(o?: object): any;\nexport type OrchestrationContext = any;\n',
    'node_modules/duroxide-llm/package.json': JSON.stringify({ name: 'duroxide-llm', types: 'index.d.ts' }),
  });
  const result = await generateDiagrams({ cwd: root, llm: 'off' }).run();
  expect(result.diagrams.map((d) => d.name)).toEqual(['OrderSaga']);
  const onImport = quickInfo(root, 'src/use.ts', 'orderSaga', 1);
  expect(onImport).toContain('```mermaid');
  expect(onImport).toContain('Reserve inventory');
  const onClass = quickInfo(root, 'src/order-saga.ts', 'OrderSaga {');
  expect(onClass).toContain('```mermaid');
  expect(onClass).toContain('Charge card');
  // Written only when changed: a second run writes nothing.
  const again = await generateDiagrams({ cwd: root, llm: 'off' }).run();
  expect(again.written).toEqual([]);
  writeFileSync(join(root, 'src/unrelated.ts'), 'export const x = 1;\n');
  expect((await generateDiagrams({ cwd: root, llm: 'off' }).run()).written).toEqual([]);
});
