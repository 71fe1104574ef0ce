/**
 * Hover under TypeScript 7 (the native compiler's language server, `tsc --lsp --stdio`) and
 * TypeScript 6's language service: the diagram shows on a diagram import and on the
 * orchestration class (with `sourceJsdoc`, the diagram sits in the class's own JSDoc, below the
 * author's text — TypeScript 7 documents a class from that declaration only).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { FIXTURES, makeProject } from './diagram-project.js';
import { LspClient } from './lsp-client.js';
import { hoverDocumentation, languageService } from './language-service.js';

// The devDependency "typescript7" (npm:typescript@^7); its package exports no bin path, so by file.
const ts7Bin = join(dirname(createRequire(import.meta.url).resolve('typescript')), '../../typescript7/bin/tsc');
const ts7 = existsSync(ts7Bin) ? ts7Bin : null;

const SAGA = readFileSync(join(FIXTURES, 'order-saga.ts'), 'utf8').replace('@orchestration({', '/**\n * Reserves, charges and ships an order.\n */\n@orchestration({');
const USE = "import orderSaga from '~duroxide/diagrams/order-saga';\nimport { OrderSaga } from './order-saga.js';\nexport const d: string = orderSaga;\nexport const o = new OrderSaga();\n";

function project(): string {
  return makeProject([], {
    'src/order-saga.ts': SAGA,
    'src/use.ts': USE,
    'node_modules/duroxide-llm/index.d.ts': 'export declare function orchestration(o?: object): any;\nexport declare function activity(o?: object): any;\nexport type OrchestrationContext = any;\n',
    'node_modules/duroxide-llm/package.json': JSON.stringify({ name: 'duroxide-llm', types: 'index.d.ts' }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, experimentalDecorators: true, types: [] }, include: ['src'] }),
  });
}

function ts6Hover(root: string, file: string, needle: string, nth = 0): string {
  const files = ['src/order-saga.ts', 'src/use.ts', 'src/duroxide-diagrams.d.ts', 'src/duroxide-diagrams.hover.d.ts'].map((f) => join(root, f)).filter((f) => existsSync(f));
  return hoverDocumentation(languageService(root, files), join(root, file), needle, nth);
}

describe('hover with the diagram in the class JSDoc', () => {
  const root = project();
  let lsp: LspClient | null = null;
  afterAll(() => lsp?.stop());

  it('puts the diagram below the author\'s JSDoc, once, and leaves the file alone when nothing changed', async () => {
    const first = await generateDiagrams({ cwd: root, llm: 'off', sourceJsdoc: true }).run();
    expect(first.written).toContain(join(root, 'src/order-saga.ts'));
    const source = readFileSync(join(root, 'src/order-saga.ts'), 'utf8');
    expect(source).toMatch(/\/\*\*\n \* Reserves, charges and ships an order\.\n \*\n \* <!-- duroxide:diagram -->\n \* ```mermaid\n/);
    expect(source.match(/<!-- duroxide:diagram -->/g)).toHaveLength(1);
    const again = await generateDiagrams({ cwd: root, llm: 'off', sourceJsdoc: true }).run();
    expect(again.written).toEqual([]);
  });

  it('TypeScript 6: the class and the import show the diagram', () => {
    const onClass = ts6Hover(root, 'src/order-saga.ts', 'OrderSaga {');
    expect(onClass).toContain('Reserves, charges and ships an order.');
    expect(onClass).toContain('```mermaid');
    expect(onClass.match(/```mermaid/g)).toHaveLength(1);
    expect(ts6Hover(root, 'src/use.ts', 'orderSaga', 1)).toContain('Reserve inventory');
  });

  it.skipIf(!ts7)('TypeScript 7 language server: the class, its use and the import show the diagram', { timeout: 60_000 }, async () => {
    lsp = new LspClient(process.execPath, [ts7!, '--lsp', '--stdio'], root);
    await lsp.start();
    lsp.open('src/use.ts');
    lsp.open('src/order-saga.ts');
    const onClass = await lsp.hover('src/order-saga.ts', 'OrderSaga {');
    expect(onClass).toContain('class OrderSaga');
    expect(onClass).toContain('Reserves, charges and ships an order.');
    expect(onClass).toContain('```mermaid');
    expect(onClass).toContain('Reserve inventory');
    expect(await lsp.hover('src/use.ts', 'OrderSaga()')).toContain('```mermaid');
    expect(await lsp.hover('src/use.ts', 'orderSaga', 1)).toContain('Reserve inventory');
  });

  it.skipIf(!ts7)("TypeScript 7's declaration emit carries the diagram (what replaces the tsc transformer)", () => {
    const run = spawnSync(process.execPath, [ts7!, '-p', 'tsconfig.json', '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--rootDir', 'src', '--outDir', 'types'], { cwd: root, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    const dts = readFileSync(join(root, 'types/order-saga.d.ts'), 'utf8');
    const doc = dts.slice(0, dts.indexOf('export declare class OrderSaga'));
    expect(doc).toContain('Reserves, charges and ships an order.');
    expect(doc).toContain('```mermaid');
  });
});
