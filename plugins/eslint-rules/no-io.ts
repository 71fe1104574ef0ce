/**
 * `duroxide-llm/no-io`: I/O in orchestration code runs again on every replay and its answer is
 * not recorded. Network, files, processes and timers belong in activities (ctx.scheduleActivity)
 * and durable timers (ctx.scheduleTimer). Reading `process.env` is fine.
 */
import type { Rule } from 'eslint';
import { isGlobal, orchestrationFinder, resolve, type AnyNode } from './orchestration-scope.js';

const IO_MODULES = new Set(
  ['fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'dgram', 'dns', 'dns/promises', 'tls', 'child_process', 'readline'].flatMap((m) => [m, `node:${m}`]),
);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

export const noIo: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow network, file and timer calls in orchestration code; use activities and ctx.scheduleTimer(ms)' },
    schema: [],
    messages: {
      fetch: 'fetch() in orchestration code runs again on every replay and its answer is not recorded. Call it from an activity: ctx.scheduleActivity(name, input).',
      timer: '{{name}}() is not durable: it is lost on a restart and re-armed on every replay. Use await ctx.scheduleTimer(ms).',
      module: '{{call}} does I/O ({{module}}) in orchestration code, which runs again on every replay. Do it in an activity: ctx.scheduleActivity(name, input).',
    },
  },
  create(context) {
    const inOrchestration = orchestrationFinder(context);
    /** Variables bound to an I/O module (namespace, default, a named export, or require()). */
    const ioVariables = new Map<unknown, string>();
    const bind = (node: AnyNode, module: string) => {
      for (const v of context.sourceCode.getDeclaredVariables(node as never)) ioVariables.set(v, module);
    };
    const rootIdentifier = (n: AnyNode): AnyNode | undefined => {
      let x = n;
      while (x.type === 'MemberExpression') x = x.object;
      return x.type === 'Identifier' ? x : undefined;
    };
    const report = (node: AnyNode, messageId: string, data: Record<string, string> = {}) => {
      if (inOrchestration(node)) context.report({ node: node as never, messageId, data });
    };
    return {
      ImportDeclaration(node: any) {
        if (IO_MODULES.has(node.source.value)) bind(node, node.source.value);
      },
      VariableDeclarator(node: any) {
        const init = node.init;
        if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && IO_MODULES.has(init.arguments[0]?.value)) {
          bind(node, init.arguments[0].value);
        }
      },
      CallExpression(node: any) {
        const c = node.callee.type === 'ChainExpression' ? node.callee.expression : node.callee;
        const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && !c.computed && GLOBAL_OBJECTS.has(c.object.name) ? c.property.name : undefined;
        const global = c.type !== 'Identifier' || isGlobal(context, node, c.name);
        if (name === 'fetch' && global) return report(node, 'fetch');
        if (name && TIMERS.has(name) && global) return report(node, 'timer', { name });
        const root = rootIdentifier(c);
        const variable = root && resolve(context.sourceCode.getScope(node), root.name);
        const module = variable && ioVariables.get(variable);
        if (module) report(node, 'module', { call: `${context.sourceCode.getText(c)}()`, module });
      },
    };
  },
};
