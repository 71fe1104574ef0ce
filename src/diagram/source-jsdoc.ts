/**
 * The diagram in the JSDoc of the orchestration class itself, between
 * `<!-- duroxide:diagram -->` markers (invisible in rendered Markdown), below the author's own
 * text. TypeScript 7's language server documents a class from its own declaration only, so this
 * is what makes hovering the class show the diagram there; TypeScript 6 shows it too.
 * Opt-in (`sourceJsdoc: true`, `--jsdoc`): it edits source files, only when the diagram changed.
 */
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { walk } from './ast.js';
import type { GeneratedDiagram } from './diagram-sourcing.js';
import { formatSpec } from './formats/index.js';

const OPEN = '<!-- duroxide:diagram -->';
const CLOSE = '<!-- /duroxide:diagram -->';
const REGION = /\n[ \t]*\*[ \t]*<!-- duroxide:diagram -->[\s\S]*?<!-- \/duroxide:diagram -->/;

/** Where the class's declaration starts: its decorators or `export`, whichever comes first. */
function classStart(code: string, className: string): number | undefined {
  let ast: t.File;
  try {
    ast = parse(code, { sourceType: 'module', plugins: ['typescript', ['decorators', { decoratorsBeforeExport: true }]], errorRecovery: true });
  } catch {
    try {
      ast = parse(code, { sourceType: 'module', plugins: ['typescript', 'decorators-legacy'], errorRecovery: true });
    } catch {
      return undefined;
    }
  }
  let start: number | undefined;
  walk(ast.program, (n) => {
    const cls = n.type === 'ExportNamedDeclaration' || n.type === 'ExportDefaultDeclaration' ? n.declaration : n;
    if (cls?.type !== 'ClassDeclaration' || cls.id?.name !== className) return;
    start = Math.min(n.start ?? Infinity, ...(cls.decorators ?? []).map((d) => d.start ?? Infinity));
    return true;
  });
  return start === Infinity ? undefined : start;
}

/** `code` with the diagram in the class's JSDoc (added, or its marked region replaced). */
export function withDiagramJsdoc(code: string, className: string, d: GeneratedDiagram): string {
  const start = classStart(code, className);
  if (start === undefined) return code;
  const lineStart = code.lastIndexOf('\n', start - 1) + 1;
  const indent = /^[ \t]*/.exec(code.slice(lineStart))![0];
  const body = d.diagram.trimEnd().replace(/\*\//g, '*\\/').split('\n');
  const region = [OPEN, `\`\`\`${formatSpec(d.format).fence}`, ...body, '```', CLOSE].map((l) => `${indent} * ${l}`.trimEnd()).join('\n');
  const before = code.slice(0, lineStart);
  const doc = /\/\*\*(?:[^*]|\*(?!\/))*\*\/\s*$/.exec(before);
  if (!doc) return `${before}${indent}/**\n${region}\n${indent} */\n${code.slice(lineStart)}`;
  const text = doc[0];
  const updated = REGION.test(text) ? text.replace(REGION, `\n${region}`) : text.replace(/\n?[ \t]*\*\/(\s*)$/, `\n${indent} *\n${region}\n${indent} */$1`);
  return before.slice(0, doc.index) + updated + code.slice(lineStart);
}
