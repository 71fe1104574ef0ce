/**
 * The typed AST helpers the extractor uses: one walker over @babel/types' visitor keys (so no
 * walk keeps its own skip list), and small readers for names, literals and decorators.
 */
import * as bt from '@babel/types';
import type * as t from '@babel/types';

export type FunctionNode = t.FunctionDeclaration | t.FunctionExpression | t.ArrowFunctionExpression | t.ClassMethod | t.ClassPrivateMethod | t.ObjectMethod;

/** The child nodes of `node`, in source (evaluation) order. */
export function children(node: t.Node): t.Node[] {
  const out: t.Node[] = [];
  for (const key of bt.VISITOR_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) for (const v of value) if (isNode(v)) out.push(v);
    if (isNode(value)) out.push(value);
  }
  return out;
}

function isNode(x: unknown): x is t.Node {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}

/**
 * Visits `root` and its descendants depth first. `visit` returns true to stop the whole walk
 * (found), 'skip' to not enter a node's children.
 */
export function walk(root: t.Node | null | undefined, visit: (n: t.Node) => boolean | 'skip' | void): boolean {
  if (!root) return false;
  const stack: t.Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    const r = visit(n);
    if (r === true) return true;
    if (r !== 'skip') stack.push(...children(n).reverse());
  }
  return false;
}

export function isFunctionNode(n: t.Node | null | undefined): n is FunctionNode {
  return !!n && (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration' || n.type === 'ClassMethod' || n.type === 'ClassPrivateMethod' || n.type === 'ObjectMethod');
}

export function keyName(k: t.Node | null | undefined): string | undefined {
  if (!k) return undefined;
  if (k.type === 'Identifier') return k.name;
  if (k.type === 'PrivateName') return k.id.name;
  if (k.type === 'StringLiteral') return k.value;
  return undefined;
}

export function calleeName(c: t.Node | null | undefined): string | undefined {
  if (c?.type === 'Identifier') return c.name;
  if (c?.type === 'MemberExpression' || c?.type === 'OptionalMemberExpression') return keyName(c.property);
  return undefined;
}

/** `obj.method` of a call's callee: [object, method name]. */
export function memberCall(callee: t.Node): [t.Node, string] | undefined {
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
  const name = callee.computed ? literalString(callee.property) : keyName(callee.property);
  return name === undefined ? undefined : [callee.object, name];
}

export function literalString(n: t.Node | null | undefined): string | undefined {
  if (n?.type === 'StringLiteral') return n.value;
  if (n?.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

export function findDecorator(node: { decorators?: t.Decorator[] | null }, name: string): t.Decorator | undefined {
  return (node.decorators ?? []).find((d) => {
    const x = d.expression;
    return (x.type === 'CallExpression' && calleeName(x.callee) === name) || (x.type === 'Identifier' && x.name === name);
  });
}

/** The object literal passed to a decorator call: `@orchestration({ ... })`. */
export function decoratorOptions(d: t.Decorator | undefined): t.ObjectExpression | undefined {
  const x = d?.expression;
  const arg = x?.type === 'CallExpression' ? x.arguments[0] : undefined;
  return arg?.type === 'ObjectExpression' ? arg : undefined;
}

/** The seed's bare-string form, `@orchestration('Title')` / `@activity('Label')`: that string. */
export function decoratorString(d: t.Decorator | undefined): string | undefined {
  const x = d?.expression;
  return x?.type === 'CallExpression' ? literalString(x.arguments[0]) : undefined;
}

export function stringProp(obj: t.ObjectExpression | undefined, key: string): string | undefined {
  for (const p of obj?.properties ?? []) if (p.type === 'ObjectProperty' && keyName(p.key) === key) return literalString(p.value);
  return undefined;
}

export function line(n: t.Node | null | undefined): number | undefined {
  return n?.loc?.start.line;
}

/** `await x`, `yield x`, `(x)`, `x as T`, `x!`: the expression inside. */
export function unwrap(n: t.Node | null | undefined): t.Node | null | undefined {
  let x = n;
  while (x && (x.type === 'AwaitExpression' || x.type === 'YieldExpression' || x.type === 'ParenthesizedExpression' || x.type === 'TSAsExpression' || x.type === 'TSNonNullExpression' || x.type === 'TSSatisfiesExpression')) {
    x = x.type === 'AwaitExpression' || x.type === 'YieldExpression' ? x.argument : x.expression;
  }
  return x;
}
