/**
 * `duroxide-llm/await-durable-only`: an orchestration may only await what history records —
 * ctx tasks (activities, timers, events, sub-orchestrations, LLM operations, ctx.all / race /
 * task), variables holding one, and its own helpers (`this.helper(...)`, or a function it hands
 * `ctx`). Awaiting anything else leaves nothing durable pending and is not replayed. A heuristic:
 * it reads the code, not types.
 */
import type { Rule } from 'eslint';
import { orchestrationFinder, resolve, type AnyNode } from './orchestration-scope.js';

const WRAPPERS = new Set(['TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'ChainExpression']);

function unwrap(n: AnyNode): AnyNode {
  let x = n;
  while (WRAPPERS.has(x.type)) x = x.expression;
  return x;
}

export const awaitDurableOnly: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'In orchestration code, await only durable ctx tasks (or helpers that await them)' },
    schema: [],
    messages: {
      notDurable:
        'await {{text}}: orchestration code may only await durable tasks — ctx.scheduleActivity(...), ctx.scheduleTimer(ms), ctx.waitForEvent(...), an LLM operation such as ctx.generate(...), ctx.all/race/task — or this.helper(...). Move this work into an activity and await ctx.scheduleActivity(name, input).',
      promiseCombinator: 'await Promise.{{method}}(...) in orchestration code: use ctx.{{replacement}}(...), which decides the same way on every replay.',
    },
  },
  create(context) {
    const inOrchestration = orchestrationFinder(context);
    const durable = (expr: AnyNode, ctxName: string, depth: number): boolean => {
      const n = unwrap(expr);
      if (depth > 4) return false;
      if (n.type === 'ConditionalExpression') return durable(n.consequent, ctxName, depth + 1) && durable(n.alternate, ctxName, depth + 1);
      if (n.type === 'LogicalExpression') return durable(n.left, ctxName, depth + 1) && durable(n.right, ctxName, depth + 1);
      if (n.type === 'CallExpression') {
        const c = unwrap(n.callee);
        if (c.type === 'MemberExpression' && ((c.object.type === 'Identifier' && c.object.name === ctxName) || c.object.type === 'ThisExpression')) return true;
        // A helper handed the context: helper(ctx, ...).
        return n.arguments.some((a: AnyNode) => a.type === 'Identifier' && a.name === ctxName);
      }
      if (n.type === 'Identifier') {
        const v = resolve(context.sourceCode.getScope(n as never), n.name);
        const writes = (v?.references ?? []).map((r) => r.writeExpr as AnyNode | null | undefined).filter((w): w is AnyNode => !!w);
        return writes.length > 0 && writes.every((w) => durable(w, ctxName, depth + 1));
      }
      return false;
    };
    return {
      AwaitExpression(node: any) {
        const fn = inOrchestration(node);
        if (!fn || durable(node.argument, fn.ctxName, 0)) return;
        const arg = unwrap(node.argument);
        const c = arg.type === 'CallExpression' ? unwrap(arg.callee) : undefined;
        if (c?.type === 'MemberExpression' && c.object.type === 'Identifier' && c.object.name === 'Promise' && ['all', 'race', 'allSettled', 'any'].includes(c.property.name)) {
          const replacement = c.property.name === 'race' || c.property.name === 'any' ? 'race' : 'all';
          context.report({ node, messageId: 'promiseCombinator', data: { method: c.property.name, replacement } });
          return;
        }
        const text = context.sourceCode.getText(node.argument);
        context.report({ node, messageId: 'notDurable', data: { text: text.length > 40 ? `${text.slice(0, 37)}...` : text } });
      },
    };
  },
};
