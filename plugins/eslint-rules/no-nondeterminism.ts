/**
 * `duroxide-llm/no-nondeterminism`: orchestration code re-runs on every replay, so a clock read
 * or a random value differs from the first run and the code takes another path. The context
 * has replay-safe versions: ctx.utcNow() and ctx.newGuid().
 */
import type { Rule } from 'eslint';
import { isGlobal, orchestrationFinder, type AnyNode } from './orchestration-scope.js';

const CRYPTO_MODULES = new Set(['crypto', 'node:crypto']);

export const noNondeterminism: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow clock reads and random values in orchestration code; use ctx.utcNow() and ctx.newGuid()' },
    schema: [],
    messages: {
      dateNow: '{{call}} returns a different time on every replay of this orchestration. Use ctx.utcNow() (the recorded time, in ms).',
      newDate: 'new Date() without arguments reads the clock, which differs on every replay. Use new Date(ctx.utcNow()).',
      performanceNow: 'performance.now() differs on every replay of this orchestration. Use ctx.utcNow() for time in orchestration code.',
      mathRandom: 'Math.random() gives another value on every replay of this orchestration. Use ctx.newGuid() for a replay-safe unique value, or draw the random value in an activity (ctx.scheduleActivity).',
      randomUUID: '{{call}} gives another id on every replay of this orchestration. Use ctx.newGuid().',
      randomBytes: '{{call}} gives other bytes on every replay of this orchestration. Use ctx.newGuid(), or produce them in an activity (ctx.scheduleActivity).',
    },
  },
  create(context) {
    const inOrchestration = orchestrationFinder(context);
    /** Local names bound to node:crypto's randomUUID / randomBytes / the module itself. */
    const cryptoImports = new Map<string, string>();
    const member = (n: AnyNode, object: string, property: string) =>
      n.type === 'MemberExpression' && !n.computed && n.property.name === property &&
      ((n.object.type === 'Identifier' && n.object.name === object && (isGlobal(context, n, object) || cryptoImports.get(n.object.name) === '*')) ||
        (n.object.type === 'MemberExpression' && !n.object.computed && n.object.property.name === object && ['globalThis', 'window', 'self'].includes(n.object.object.name)));
    const report = (node: AnyNode, messageId: string, call?: string) => {
      if (inOrchestration(node)) context.report({ node: node as never, messageId, data: { call: call ?? '' } });
    };
    return {
      ImportDeclaration(node: any) {
        if (!CRYPTO_MODULES.has(node.source.value)) return;
        for (const s of node.specifiers) cryptoImports.set(s.local.name, s.type === 'ImportSpecifier' ? (s.imported.name ?? s.imported.value) : '*');
      },
      CallExpression(node: any) {
        const c = node.callee.type === 'ChainExpression' ? node.callee.expression : node.callee;
        if (member(c, 'Date', 'now')) report(node, 'dateNow', 'Date.now()');
        else if (c.type === 'Identifier' && c.name === 'Date' && isGlobal(context, node, 'Date')) report(node, 'dateNow', 'Date()');
        else if (member(c, 'performance', 'now')) report(node, 'performanceNow');
        else if (member(c, 'Math', 'random')) report(node, 'mathRandom');
        else if (member(c, 'crypto', 'randomUUID')) report(node, 'randomUUID', 'crypto.randomUUID()');
        else if (member(c, 'crypto', 'getRandomValues') || member(c, 'crypto', 'randomBytes')) report(node, 'randomBytes', `crypto.${c.property.name}()`);
        else if (c.type === 'Identifier' && cryptoImports.has(c.name)) {
          const imported = cryptoImports.get(c.name);
          if (imported === 'randomUUID') report(node, 'randomUUID', `${c.name}()`);
          else if (imported === 'randomBytes' || imported === 'randomInt' || imported === 'getRandomValues') report(node, 'randomBytes', `${c.name}()`);
        }
      },
      NewExpression(node: any) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'Date' && node.arguments.length === 0 && isGlobal(context, node, 'Date')) report(node, 'newDate');
      },
    };
  },
};
