/** Hovering a diagram import and an orchestration class shows the diagram (TS language service). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { makeProject } from './diagram-project.js';
import { hoverDocumentation, languageService } from './language-service.js';

function quickInfo(root: string, file: string, needle: string, nth = 0): string {
  const files = ['src/order-saga.ts', 'src/use.ts', 'src/duroxide-diagrams.d.ts', 'src/duroxide-diagrams.hover.d.ts'].map((f) => join(root, f));
  return hoverDocumentation(languageService(root, files), join(root, file), needle, nth);
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
