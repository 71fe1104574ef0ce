/** A TypeScript 6 language service over a test project's files, and what it shows on hover. */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** The compiler options of the decorator test projects (diagram-project.ts). */
export const PROJECT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  experimentalDecorators: true,
  types: [],
};

export function languageService(root: string, files: string[], options: ts.CompilerOptions = PROJECT_OPTIONS): ts.LanguageService {
  return ts.createLanguageService({
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  });
}

/** The hover documentation at the `nth` (or the last) occurrence of `needle` in `file` (an absolute path). */
export function hoverDocumentation(service: ts.LanguageService, file: string, needle: string, nth: number | 'last' = 0): string {
  const text = readFileSync(file, 'utf8');
  let pos = nth === 'last' ? text.lastIndexOf(needle) : -1;
  for (let i = 0; nth !== 'last' && i <= nth; i++) pos = text.indexOf(needle, pos + 1);
  return ts.displayPartsToString(service.getQuickInfoAtPosition(file, pos + 1)?.documentation ?? []);
}
