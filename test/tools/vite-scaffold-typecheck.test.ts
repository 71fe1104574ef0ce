/**
 * The README's decorator example compiles in a project made by `npm create vite` (vanilla-ts):
 * its tsconfig has erasableSyntaxOnly and verbatimModuleSyntax on and experimentalDecorators
 * off, so the example may use neither parameter properties nor value-imported types.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';

const root = resolve(import.meta.dirname, '../..');

/** compilerOptions of Vite's vanilla-ts template (tsconfig.json), as `npm create vite` writes them. */
const VITE_SCAFFOLD = {
  target: 'ES2022',
  useDefineForClassFields: true,
  module: 'ESNext',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  types: ['vite/client'],
  skipLibCheck: true,
  moduleResolution: 'bundler',
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  moduleDetection: 'force',
  noEmit: true,
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  erasableSyntaxOnly: true,
  noFallthroughCasesInSwitch: true,
  noUncheckedSideEffectImports: true,
};

it("the README decorator example typechecks under a default Vite scaffold's tsconfig (TypeScript 6 API)", () => {
  expect(ts.versionMajorMinor.startsWith('6.')).toBe(true);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /<!-- example: decorators -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();

  const project = tempDir('duroxide-vite-scaffold-');
  mkdirSync(join(project, 'src'));
  const file = join(project, 'src', 'main.ts');
  writeFileSync(file, example!);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...VITE_SCAFFOLD, typeRoots: [join(root, 'node_modules/@types')], paths: { 'duroxide-llm': [join(root, 'src/index.ts')], 'vite/client': [join(root, 'node_modules/vite/client.d.ts')] } },
      include: ['src'],
    }),
  );
  const config = ts.getParsedCommandLineOfConfigFile(join(project, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
  expect(config?.errors).toEqual([]);
  expect(config!.options.experimentalDecorators).toBeUndefined();
  const program = ts.createProgram({ rootNames: [file], options: config!.options });
  // Only the example's own diagnostics: the package reaches users as .d.ts, not as this source.
  const diagnostics = [...program.getSyntacticDiagnostics(program.getSourceFile(file)), ...program.getSemanticDiagnostics(program.getSourceFile(file))];
  expect(diagnostics.map((d) => `${d.start !== undefined ? d.file!.getLineAndCharacterOfPosition(d.start).line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)).toEqual([]);
});
