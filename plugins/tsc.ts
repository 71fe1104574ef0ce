/**
 * duroxide-llm/tsc: a ts-patch transformer (TypeScript 5.9 / 6.0 with ts-patch 3.3) that puts
 * each orchestration's diagram into the JSDoc of its class in the emitted `.d.ts`, so library
 * users see it on hover. tsconfig.json:
 *
 *   "plugins": [{ "transform": "duroxide-llm/tsc", "afterDeclarations": true }]
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { DiagramProject, jsdoc } from '../src/diagram/generate-diagrams.js';
import type { DiagramOptions } from '../src/diagram/diagram-options.js';
import { extractOrchestrations } from '../src/diagram/extractor.js';

export interface TscPluginConfig extends DiagramOptions {
  /** Set by ts-patch. */
  transform?: string;
  afterDeclarations?: boolean;
}

export default function duroxideDeclarations(program: TS.Program, config: TscPluginConfig = {}, extras?: { ts?: typeof TS }) {
  const ts = extras?.ts ?? (createRequire(import.meta.url)('typescript') as typeof TS);
  const { transform: _t, afterDeclarations: _a, ...options } = config;
  const project = new DiagramProject({ cwd: program.getCurrentDirectory(), ...options, llm: 'off' });
  return (context: TS.TransformationContext) => (node: TS.SourceFile | TS.Bundle) => {
    const t = ts;
    void context;
    if (!('fileName' in node)) return node;
    const source = program.getSourceFile(node.fileName.replace(/\.d\.ts$/, '.ts')) ?? program.getSourceFile(node.fileName);
    if (!source) return node;
    const { flows } = extractOrchestrations(source.text, source.fileName);
    const byClass = new Map(flows.filter((f) => f.className).map((f) => [f.className!, project.cachedOrDeterministic(f)]));
    if (byClass.size === 0) return node;
    for (const statement of node.statements) {
      if (!t.isClassDeclaration(statement) || !statement.name) continue;
      const d = byClass.get(statement.name.text);
      if (!d) continue;
      const body = jsdoc(d, '').trim().replace(/^\/\*/, '').replace(/\*\/$/, '');
      t.addSyntheticLeadingComment(statement, t.SyntaxKind.MultiLineCommentTrivia, body, true);
    }
    return node;
  };
}
