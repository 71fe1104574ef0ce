/**
 * Which functions of a file are orchestration code, found statically: the methods of an
 * `@orchestration` class (its `run(ctx, input)` and the helpers it calls; `@activity` methods
 * and constructors excepted), and functions given to `registerOrchestration(name, fn)` — inline,
 * or by the name of a function declared in the file. Code nested in them counts too.
 */
import type { Rule, Scope } from 'eslint';

/** ESTree and TS-ESTree nodes, loosely: the rules read a few fields of many node types. */
export type AnyNode = { type: string; parent?: AnyNode; [key: string]: any };

export interface OrchestrationFunction {
  node: AnyNode;
  /** The name of its context parameter (`ctx` when it has none we can read). */
  ctxName: string;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

export function isFunction(n: AnyNode | undefined): boolean {
  return !!n && FUNCTION_TYPES.has(n.type);
}

/** `name`, `x.name`, `x?.name`: the last name of a callee or decorator expression. */
export function calleeName(n: AnyNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression' && !n.computed && n.property.type === 'Identifier') return n.property.name;
  if (n.type === 'ChainExpression') return calleeName(n.expression);
  return undefined;
}

function decoratorName(d: AnyNode): string | undefined {
  const x = d.expression;
  return calleeName(x?.type === 'CallExpression' ? x.callee : x);
}

function hasDecorator(n: AnyNode | undefined, name: string): boolean {
  return (n?.decorators ?? []).some((d: AnyNode) => decoratorName(d) === name);
}

/** A function that is a method (or arrow property) of an `@orchestration` class. */
function isOrchestrationMethod(fn: AnyNode): boolean {
  const member = fn.parent;
  if (!member || (member.type !== 'MethodDefinition' && member.type !== 'PropertyDefinition') || member.value !== fn) return false;
  if (member.static || member.kind === 'constructor' || hasDecorator(member, 'activity')) return false;
  const cls = member.parent?.parent;
  return hasDecorator(cls, 'orchestration');
}

function isRegisterCall(n: AnyNode | undefined): boolean {
  return n?.type === 'CallExpression' && calleeName(n.callee) === 'registerOrchestration';
}

/** The variable `id` refers to, looked up from `scope` outwards. */
export function resolve(scope: Scope.Scope | null, name: string): Scope.Variable | undefined {
  for (let s = scope; s; s = s.upper) {
    const v = s.set.get(name);
    if (v) return v;
  }
  return undefined;
}

/** True when `name` at `node` is the global of that name (not shadowed by a local). */
export function isGlobal(context: Rule.RuleContext, node: AnyNode, name: string): boolean {
  const v = resolve(context.sourceCode.getScope(node as never), name);
  return !v || v.defs.length === 0;
}

/** Functions passed to registerOrchestration by name, resolved to their declarations. */
function registeredByName(context: Rule.RuleContext): Set<AnyNode> {
  const found = new Set<AnyNode>();
  const keys = context.sourceCode.visitorKeys;
  const visit = (n: AnyNode) => {
    if (isRegisterCall(n) && n.arguments[1]?.type === 'Identifier') {
      const v = resolve(context.sourceCode.getScope(n as never), n.arguments[1].name);
      for (const def of v?.defs ?? []) {
        const d = def.node as AnyNode;
        if (isFunction(d)) found.add(d);
        else if (d.type === 'VariableDeclarator' && isFunction(d.init)) found.add(d.init);
      }
    }
    for (const key of keys[n.type] ?? []) {
      const child = n[key];
      if (Array.isArray(child)) child.forEach((c) => c && typeof c.type === 'string' && visit(c));
      else if (child && typeof child.type === 'string') visit(child);
    }
  };
  visit(context.sourceCode.ast as unknown as AnyNode);
  return found;
}

/** Finds the orchestration function enclosing a node, per rule invocation (cached per file). */
export function orchestrationFinder(context: Rule.RuleContext): (node: AnyNode) => OrchestrationFunction | undefined {
  let byName: Set<AnyNode> | undefined;
  const cache = new Map<AnyNode, OrchestrationFunction | null>();
  const check = (fn: AnyNode): OrchestrationFunction | null => {
    const isOrchestration =
      isOrchestrationMethod(fn) || (isRegisterCall(fn.parent) && fn.parent!.arguments[1] === fn) || (byName ??= registeredByName(context)).has(fn);
    if (!isOrchestration) return null;
    const first = fn.params[0];
    const ctxName = first?.type === 'Identifier' ? first.name : first?.type === 'AssignmentPattern' && first.left.type === 'Identifier' ? first.left.name : 'ctx';
    return { node: fn, ctxName };
  };
  return (node) => {
    for (let n: AnyNode | undefined = node.parent; n; n = n.parent) {
      if (!isFunction(n)) continue;
      if (!cache.has(n)) cache.set(n, check(n));
      const found = cache.get(n);
      if (found) return found;
    }
    return undefined;
  };
}
