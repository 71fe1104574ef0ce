/**
 * duroxide-llm/tsc: a ts-patch transformer (TypeScript 5.9 / 6.0 with ts-patch 3.3) that puts
 * each orchestration's diagram into the JSDoc of its class in the emitted `.d.ts`, below the
 * author's own JSDoc, so library users see it on hover. It uses the same cache as the bundler
 * plugin (an LLM-drawn diagram when one was committed), else the deterministic renderer; it never
 * calls an LLM. tsconfig.json:
 *
 *   "plugins": [{ "transform": "duroxide-llm/tsc", "afterDeclarations": true }]
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { DiagramProject } from '../src/diagram/generate-diagrams.js';
import { jsdocLines } from '../src/diagram/diagram-outputs.js';
import type { DiagramOptions } from '../src/diagram/diagram-options.js';
import { extractOrchestrations } from '../src/diagram/extractor.js';

export interface TscPluginConfig extends DiagramOptions {
  /** Set by ts-patch. */
  transform?: string;
  afterDeclarations?: boolean;
}

/** The author's JSDoc of a declaration, as lines without the comment markers. */
function authorDoc(ts: typeof TS, source: TS.SourceFile, node: TS.Node): string[] {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => source.text.startsWith('/**', r.pos)).at(-1);
  if (!doc) return [];
  const text = source.text.slice(doc.pos + 3, doc.end - 2);
  const lines = text.split('\n').map((l) => l.replace(/^\s*\* ?/, '').trimEnd());
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines.at(-1)!.trim()) lines.pop();
  return lines;
}

export default function duroxideDeclarations(program: TS.Program, config: TscPluginConfig = {}, extras?: { ts?: typeof TS }) {
  const ts = extras?.ts ?? (createRequire(import.meta.url)('typescript') as typeof TS);
  const { transform: _t, afterDeclarations: _a, ...options } = config;
  const project = new DiagramProject({ cwd: program.getCurrentDirectory(), ...options, llm: 'off' });
  return (_context: TS.TransformationContext) => (node: TS.SourceFile | TS.Bundle) => {
    if (!('fileName' in node)) return node;
    const source = program.getSourceFile(node.fileName.replace(/\.d\.ts$/, '.ts')) ?? program.getSourceFile(node.fileName);
    if (!source) return node;
    const { flows } = extractOrchestrations(source.text, source.fileName);
    const byClass = new Map(flows.filter((f) => f.className).map((f) => [f.className!, project.cachedOrDeterministic(f)]));
    if (byClass.size === 0) return node;
    for (const statement of node.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      const d = byClass.get(statement.name.text);
      if (!d) continue;
      const original = source.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === statement.name!.text);
      const mine = original ? authorDoc(ts, source, original) : [];
      const lines = [...mine, ...(mine.length ? [''] : []), ...jsdocLines(d)];
      // One JSDoc: the author's text, then the diagram (an editor shows only the nearest JSDoc).
      ts.setEmitFlags(statement, ts.EmitFlags.NoLeadingComments);
      ts.addSyntheticLeadingComment(statement, ts.SyntaxKind.MultiLineCommentTrivia, `*\n${lines.map((l) => ` * ${l}`.trimEnd()).join('\n')}\n `, true);
    }
    return node;
  };
}
