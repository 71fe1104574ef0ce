/**
 * Labels of decisions and loops: small expressions re-printed. String literals are shown only
 * where they are compared (`priority === "urgent"`, `case "refund"`); anywhere else — prompts
 * passed to calls, say — they print as `"…"`, and call arguments are never printed.
 */
import type * as t from '@babel/types';

const MAX = 40;
const MAX_LITERAL = 24;
const COMPARISON = new Set(['===', '!==', '==', '!=']);

/** A condition as code, length capped. */
export function conditionLabel(n: t.Node | null | undefined): string {
  const text = render(n, false);
  return text.length > MAX ? `${text.slice(0, MAX - 3)}...` : text;
}

/** A `case` test: its literal shown. */
export function caseLabel(n: t.Node): string {
  const text = `case ${render(n, true)}`;
  return text.length > MAX ? `${text.slice(0, MAX - 3)}...` : text;
}

function literal(value: string): string {
  const clean = value.replace(/[\u0000-\u001f"\\]/g, ' ');
  return `"${clean.length > MAX_LITERAL ? `${clean.slice(0, MAX_LITERAL - 1)}…` : clean}"`;
}

function render(n: t.Node | null | undefined, showLiteral: boolean): string {
  if (!n) return '';
  switch (n.type) {
    case 'Identifier':
      return n.name;
    case 'ThisExpression':
      return 'this';
    case 'StringLiteral':
      return showLiteral ? literal(n.value) : '"…"';
    case 'TemplateLiteral':
      return showLiteral && n.expressions.length === 0 ? literal(n.quasis[0]?.value.cooked ?? '') : '"…"';
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return String(n.value);
    case 'NullLiteral':
      return 'null';
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return n.computed ? `${render(n.object, false)}[${render(n.property, true)}]` : `${render(n.object, false)}.${render(n.property, false)}`;
    case 'UnaryExpression':
      return `${n.operator}${render(n.argument, false)}`;
    case 'BinaryExpression':
    case 'LogicalExpression': {
      const shows = COMPARISON.has(n.operator);
      return `${render(n.left, shows)} ${n.operator} ${render(n.right, shows)}`;
    }
    case 'AwaitExpression':
      return render(n.argument, showLiteral);
    case 'CallExpression':
      return `${render(n.callee, false)}()`;
    case 'ParenthesizedExpression':
      return `(${render(n.expression, showLiteral)})`;
    case 'TSAsExpression':
    case 'TSNonNullExpression':
      return render(n.expression, showLiteral);
    case 'VariableDeclarator':
      return render(n.id, false);
    case 'ObjectPattern':
    case 'ArrayPattern':
      return 'item';
    case 'VariableDeclaration':
      return render(n.declarations[0]?.id, false);
    default:
      return '…';
  }
}
