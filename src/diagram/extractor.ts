/**
 * Extracts orchestration flows from source: `@orchestration` classes (their `run` method),
 * `registerOrchestration(name, fn)` calls and duroxide-node style generator functions.
 * A hand-written walk over the @babel/parser AST builds the FlowGraph IR. It never throws:
 * odd or broken code gives warnings with file and line, and the flow it could read.
 *
 * Only names (activities, events, sub-orchestrations, LLM operations) and decorator labels
 * reach the IR, never string literals of the code: prompts stay out of diagrams and LLMs.
 */
import { parse, type ParserPlugin } from '@babel/parser';
import { FlowBuilder, type Exit } from './flow-builder.js';
import type { OrchestrationFlow } from './flow-graph.js';

export interface ActivityDiagramMeta {
  name: string;
  label?: string;
  color?: string;
  description?: string;
}

export interface ExtractionWarning {
  file: string;
  line?: number;
  message: string;
}

export interface ExtractionResult {
  flows: OrchestrationFlow[];
  warnings: ExtractionWarning[];
  /** `@activity` declarations found in this file, by activity name. */
  activities: Map<string, ActivityDiagramMeta>;
}

export interface ExtractOptions {
  /** Labels and colours of activities declared elsewhere in the project. */
  activityLabels?: Map<string, ActivityDiagramMeta>;
}

type N = any; // babel AST node; the walk checks `type` itself

const LLM_OPS = new Set([
  'generate',
  'generateWithSystem',
  'ifTrue',
  'classify',
  'extractFeatures',
  'generateStructured',
  'summarize',
  'sentiment',
  'generateWithContext',
  'generateValidated',
]);

/** The cheap check that lets a build skip most files without parsing them. */
export function mayContainOrchestration(code: string): boolean {
  return code.includes('@orchestration') || code.includes('registerOrchestration') || (code.includes('function*') && code.includes('yield'));
}

function parseSource(code: string, file: string, recover = true): { ast: N | null; errors: ExtractionWarning[] } {
  const jsx = file.endsWith('.tsx') || file.endsWith('.jsx');
  const ts = !/\.(m|c)?js$/.test(file) || file.endsWith('.ts');
  const attempts: ParserPlugin[][] = [
    [...(ts ? (['typescript'] as ParserPlugin[]) : []), ...(jsx ? (['jsx'] as ParserPlugin[]) : []), ['decorators', { decoratorsBeforeExport: true }]],
    [...(ts ? (['typescript'] as ParserPlugin[]) : []), ...(jsx ? (['jsx'] as ParserPlugin[]) : []), 'decorators-legacy'],
  ];
  let lastError: unknown;
  for (const plugins of attempts) {
    try {
      const ast = parse(code, { sourceType: 'module', plugins, errorRecovery: true, allowReturnOutsideFunction: true });
      const errors = ((ast as N).errors ?? []).map((e: N) => ({ file, line: e.loc?.line, message: `syntax: ${e.reasonCode ?? e.message}` }));
      return { ast, errors };
    } catch (err) {
      lastError = err;
    }
  }
  const e = lastError as { loc?: { line: number }; message?: string };
  const errors = [{ file, line: e?.loc?.line, message: `could not parse: ${e?.message ?? String(lastError)}` }];
  // Draw what can be read: the code before the error (a few cut points), open brackets closed.
  if (!recover) return { ast: null, errors };
  const lines = code.split('\n');
  for (let cut = (e?.loc?.line ?? 1) - 1; cut >= Math.max(1, (e?.loc?.line ?? 1) - 6); cut--) {
    const prefix = lines.slice(0, cut).join('\n');
    const closers = [...prefix.replace(/[^{}()]/g, '')].reduce<string[]>((stack, ch) => {
      if (ch === '{' || ch === '(') stack.push(ch === '{' ? '}' : ')');
      else stack.pop();
      return stack;
    }, []);
    if (closers.length === 0 || closers.length > 200) continue;
    const partial = parseSource(`${prefix}\n${closers.reverse().join('\n')}\n`, file, false);
    if (partial.ast && partial.errors.length === 0) return { ast: partial.ast, errors };
  }
  return { ast: null, errors };
}

export function extractOrchestrations(code: string, file: string, opts: ExtractOptions = {}): ExtractionResult {
  const result: ExtractionResult = { flows: [], warnings: [], activities: new Map() };
  if (!mayContainOrchestration(code)) return result;
  try {
    const { ast, errors } = parseSource(code, file);
    result.warnings.push(...errors);
    if (!ast) return result;
    new FileExtractor(file, ast.program, result, opts).run();
  } catch (err) {
    result.warnings.push({ file, message: `extraction stopped early: ${(err as Error).message}` });
  }
  return result;
}

class FileExtractor {
  private readonly functions = new Map<string, N>();
  private readonly registeredFunctions = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly program: N,
    private readonly result: ExtractionResult,
    private readonly opts: ExtractOptions,
  ) {}

  run(): void {
    const classes: N[] = [];
    const registrations: N[] = [];
    this.scan(this.program, classes, registrations);
    for (const cls of classes) this.collectActivities(cls);
    for (const cls of classes) this.fromClass(cls);
    for (const call of registrations) this.fromRegistration(call);
    for (const [name, fn] of this.functions) {
      if (fn.generator && !this.registeredFunctions.has(name) && containsYieldOfCtx(fn.body)) {
        this.addFlow({ name, file: this.file }, fn, null);
      }
    }
  }

  /** Finds classes, function declarations and registerOrchestration calls anywhere. */
  private scan(node: N, classes: N[], registrations: N[]): void {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) this.scan(n, classes, registrations);
      return;
    }
    switch (node.type) {
      case 'ClassDeclaration':
      case 'ClassExpression':
        classes.push(node);
        break;
      case 'FunctionDeclaration':
        if (node.id?.name) this.functions.set(node.id.name, node);
        break;
      case 'VariableDeclarator':
        if (node.id?.type === 'Identifier' && (node.init?.type === 'ArrowFunctionExpression' || node.init?.type === 'FunctionExpression')) {
          this.functions.set(node.id.name, node.init);
        }
        break;
      case 'CallExpression':
        if (calleeName(node.callee) === 'registerOrchestration') registrations.push(node);
        break;
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'leadingComments' || key === 'trailingComments') continue;
      const child = node[key];
      if (child && typeof child === 'object') this.scan(child, classes, registrations);
    }
  }

  private collectActivities(cls: N): void {
    for (const member of cls.body?.body ?? []) {
      if (member.type !== 'ClassMethod' && member.type !== 'ClassPrivateMethod') continue;
      const deco = findDecorator(member, 'activity');
      if (!deco) continue;
      const o = objectLiteral(deco.expression.arguments?.[0]);
      const name = stringProp(o, 'name') ?? keyName(member.key);
      if (!name) continue;
      const meta: ActivityDiagramMeta = { name };
      const label = stringProp(o, 'diagramLabel');
      const color = stringProp(o, 'diagramColor');
      const description = stringProp(o, 'description');
      if (label) meta.label = label;
      if (color) meta.color = color;
      if (description) meta.description = description;
      this.result.activities.set(name, meta);
    }
  }

  private fromClass(cls: N): void {
    const deco = findDecorator(cls, 'orchestration');
    if (!deco) return;
    const o = objectLiteral(deco.expression.arguments?.[0]);
    const className = cls.id?.name as string | undefined;
    const run = (cls.body?.body ?? []).find((m: N) => (m.type === 'ClassMethod' || m.type === 'ClassProperty') && keyName(m.key) === 'run');
    const fn = run?.type === 'ClassProperty' ? run.value : run;
    if (!fn) {
      this.warn(cls, `@orchestration class ${className ?? '(anonymous)'} has no run method`);
      return;
    }
    const flow: Omit<OrchestrationFlow, 'graph'> = { name: stringProp(o, 'name') ?? className ?? 'orchestration', file: this.file };
    if (className) flow.className = className;
    const title = stringProp(o, 'diagramTitle');
    const description = stringProp(o, 'diagramDescription');
    const version = stringProp(o, 'version');
    if (title) flow.title = title;
    if (description) flow.description = description;
    if (version) flow.version = version;
    this.addFlow(flow, fn, cls);
  }

  private fromRegistration(call: N): void {
    const [nameArg, fnArg, optsArg] = call.arguments ?? [];
    const name = literalString(nameArg);
    if (!name) {
      this.warn(call, 'registerOrchestration with a computed name: skipped (use a string literal to get a diagram)');
      return;
    }
    let fn = fnArg;
    if (fnArg?.type === 'Identifier') {
      fn = this.functions.get(fnArg.name);
      this.registeredFunctions.add(fnArg.name);
    }
    if (!fn || !isFunction(fn)) {
      this.warn(call, `registerOrchestration("${name}"): the function is not defined in this file`);
      return;
    }
    const flow: Omit<OrchestrationFlow, 'graph'> = { name, file: this.file };
    const version = stringProp(objectLiteral(optsArg), 'version');
    if (version) flow.version = version;
    this.addFlow(flow, fn, null);
  }

  private addFlow(flow: Omit<OrchestrationFlow, 'graph'>, fn: N, cls: N | null): void {
    const ctxName = fn.params?.[0]?.type === 'Identifier' ? fn.params[0].name : 'ctx';
    const walker = new FlowWalker(this, cls, ctxName);
    const exits = walker.walkFunctionBody(fn, [{ from: 'start' }]);
    this.result.flows.push({ ...flow, graph: walker.builder.finish(exits) });
  }

  activityMeta(name: string): ActivityDiagramMeta | undefined {
    return this.result.activities.get(name) ?? this.opts.activityLabels?.get(name);
  }

  helperFunction(name: string): N | undefined {
    return this.functions.get(name);
  }

  warn(node: N, message: string): void {
    this.result.warnings.push({ file: this.file, line: node?.loc?.start?.line, message });
  }
}

/** Walks one orchestration body, inlining helpers, and builds its graph. */
class FlowWalker {
  readonly builder = new FlowBuilder();
  private readonly inlining = new Set<N>();
  private opNodes: string[] | null = null;

  constructor(
    private readonly file: FileExtractor,
    private readonly cls: N | null,
    private readonly ctxName: string,
  ) {}

  walkFunctionBody(fn: N, exits: Exit[]): Exit[] {
    if (this.inlining.has(fn)) return exits; // recursion: draw it once
    this.inlining.add(fn);
    const body = fn.body;
    // An expression-bodied arrow: its value is the result.
    const out = body?.type === 'BlockStatement' ? this.statements(body.body, exits) : this.expression(body, exits);
    this.inlining.delete(fn);
    return out;
  }

  private statements(list: N[], exits: Exit[]): Exit[] {
    let frontier = exits;
    for (const s of list) {
      if (frontier.length === 0) break; // unreachable after return/throw
      frontier = this.statement(s, frontier);
    }
    return frontier;
  }

  private statement(s: N, exits: Exit[]): Exit[] {
    switch (s.type) {
      case 'ExpressionStatement':
        return this.expression(s.expression, exits);
      case 'VariableDeclaration':
        return s.declarations.reduce((f: Exit[], d: N) => (d.init ? this.expression(d.init, f) : f), exits);
      case 'ReturnStatement': {
        const after = s.argument ? this.expression(s.argument, exits) : exits;
        if (after.length && !this.isContinueAsNew(s.argument)) this.builder.connect(after, this.builder.endNode());
        return [];
      }
      case 'ThrowStatement': {
        const after = s.argument ? this.expression(s.argument, exits) : exits;
        if (after.length) this.builder.step(after, 'error', { label: 'throw', line: line(s) });
        return [];
      }
      case 'BlockStatement':
        return this.statements(s.body, exits);
      case 'IfStatement':
        return this.ifStatement(s, exits);
      case 'SwitchStatement':
        return this.switchStatement(s, exits);
      case 'ForStatement':
      case 'ForOfStatement':
      case 'ForInStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        return this.loop(s, exits);
      case 'TryStatement':
        return this.tryStatement(s, exits);
      case 'LabeledStatement':
        return this.statement(s.body, exits);
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'EmptyStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'TSTypeAliasDeclaration':
      case 'TSInterfaceDeclaration':
        return exits;
      default:
        return exits;
    }
  }

  private ifStatement(s: N, exits: Exit[]): Exit[] {
    const afterTest = this.expression(s.test, exits);
    if (!this.hasFlow(s.consequent) && !this.hasFlow(s.alternate)) return afterTest;
    const decision = this.builder.step(afterTest, 'decision', { label: conditionLabel(s.test), line: line(s) });
    const yes = this.statement(s.consequent, this.builder.relabel(decision, 'yes'));
    const no = s.alternate ? this.statement(s.alternate, this.builder.relabel(decision, 'no')) : this.builder.relabel(decision, 'no');
    return [...yes, ...no];
  }

  private switchStatement(s: N, exits: Exit[]): Exit[] {
    const afterTest = this.expression(s.discriminant, exits);
    if (!s.cases.some((c: N) => c.consequent.some((x: N) => this.hasFlow(x)))) return afterTest;
    const decision = this.builder.step(afterTest, 'decision', { label: conditionLabel(s.discriminant), line: line(s) });
    const out: Exit[] = [];
    let fallthrough: Exit[] = [];
    let hasDefault = false;
    for (const c of s.cases) {
      if (!c.test) hasDefault = true;
      const entry = [...this.builder.relabel(decision, c.test ? conditionLabel(c.test) : 'default'), ...fallthrough];
      const body = this.statements(c.consequent.filter((x: N) => x.type !== 'BreakStatement'), entry);
      const breaks = c.consequent.some((x: N) => x.type === 'BreakStatement') || c === s.cases[s.cases.length - 1];
      if (breaks) {
        out.push(...body);
        fallthrough = [];
      } else {
        fallthrough = body;
      }
    }
    if (!hasDefault) out.push(...this.builder.relabel(decision, 'other'));
    return out;
  }

  private loop(s: N, exits: Exit[]): Exit[] {
    let frontier = exits;
    if (s.type === 'ForStatement' && s.init) frontier = s.init.type === 'VariableDeclaration' ? this.statement(s.init, frontier) : this.expression(s.init, frontier);
    if ((s.type === 'ForOfStatement' || s.type === 'ForInStatement') && s.right) frontier = this.expression(s.right, frontier);
    if (!this.hasFlow(s.body) && !this.hasFlow(s.test)) return frontier;
    const label = s.type === 'ForOfStatement' || s.type === 'ForInStatement' ? `for each ${shortSource(s.left.declarations?.[0]?.id ?? s.left)}` : s.test ? `while ${conditionLabel(s.test)}` : 'repeat';
    const loop = this.builder.step(frontier, 'loop', { label, line: line(s) });
    const loopId = loop[0].from;
    let body = this.builder.relabel(loop, 'next');
    if (s.test && s.type !== 'DoWhileStatement') body = this.expression(s.test, body);
    body = this.statement(s.body, body);
    if (s.test && s.type === 'DoWhileStatement') body = this.expression(s.test, body);
    if (body.length) this.builder.connect(body.map((e) => ({ from: e.from, label: e.label ?? 'repeat' })), loopId);
    return [{ from: loopId, label: 'done' }];
  }

  private tryStatement(s: N, exits: Exit[]): Exit[] {
    const outer = this.opNodes;
    this.opNodes = [];
    const afterTry = this.statements(s.block.body, exits);
    const risky = this.opNodes;
    this.opNodes = outer;
    outer?.push(...risky);
    let afterCatch: Exit[] = [];
    if (s.handler && risky.length) {
      const error = this.builder.add('error', { label: 'on error', line: line(s.handler) });
      for (const from of risky) this.builder.connect([{ from, label: 'fails' }], error);
      afterCatch = this.statements(s.handler.body.body, [{ from: error, label: 'compensate' }]);
    } else if (s.handler) {
      afterCatch = [];
    }
    const merged = [...afterTry, ...afterCatch];
    return s.finalizer ? this.statements(s.finalizer.body, merged.length ? merged : exits) : merged;
  }

  /** Walks an expression in evaluation order, adding nodes for ctx operations. */
  private expression(e: N, exits: Exit[]): Exit[] {
    if (!e || typeof e !== 'object' || exits.length === 0) return exits;
    switch (e.type) {
      case 'AwaitExpression':
      case 'YieldExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'ParenthesizedExpression':
      case 'UnaryExpression':
      case 'SpreadElement':
        return this.expression(e.argument ?? e.expression, exits);
      case 'CallExpression':
      case 'OptionalCallExpression':
        return this.call(e, exits);
      case 'ConditionalExpression': {
        const afterTest = this.expression(e.test, exits);
        if (!this.hasFlow(e.consequent) && !this.hasFlow(e.alternate)) return afterTest;
        const d = this.builder.step(afterTest, 'decision', { label: conditionLabel(e.test), line: line(e) });
        return [...this.expression(e.consequent, this.builder.relabel(d, 'yes')), ...this.expression(e.alternate, this.builder.relabel(d, 'no'))];
      }
      case 'LogicalExpression': {
        const afterLeft = this.expression(e.left, exits);
        if (!this.hasFlow(e.right)) return afterLeft;
        const d = this.builder.step(afterLeft, 'decision', { label: `${conditionLabel(e.left)} ${e.operator}`, line: line(e) });
        const runsRight = e.operator === '||' ? 'no' : 'yes';
        const skips = e.operator === '||' ? 'yes' : 'no';
        return [...this.expression(e.right, this.builder.relabel(d, runsRight)), ...this.builder.relabel(d, skips)];
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return exits; // a callback defined here runs elsewhere
      default: {
        let frontier = exits;
        for (const key of Object.keys(e)) {
          if (key === 'loc' || key === 'type' || key === 'start' || key === 'end' || key === 'extra' || key.endsWith('Comments')) continue;
          const child = e[key];
          if (Array.isArray(child)) for (const c of child) frontier = this.expression(c, frontier);
          else if (child && typeof child === 'object' && typeof child.type === 'string') frontier = this.expression(child, frontier);
        }
        return frontier;
      }
    }
  }

  private call(e: N, exits: Exit[]): Exit[] {
    const callee = e.callee;
    const method = callee?.type === 'MemberExpression' || callee?.type === 'OptionalMemberExpression' ? keyName(callee.property) : undefined;
    const onCtx = method !== undefined && callee.object?.type === 'Identifier' && (callee.object.name === this.ctxName || callee.object.name === 'ctx');
    const args: N[] = e.arguments ?? [];
    if (onCtx) {
      switch (method) {
        case 'scheduleActivity':
        case 'scheduleActivityWithRetry': {
          const name = literalString(args[0]);
          if (!name) this.file.warn(e, 'scheduleActivity with a computed name: drawn as "activity"');
          const meta = name ? this.file.activityMeta(name) : undefined;
          return this.op(this.argsThen(args.slice(1), exits), 'activity', {
            name: name ?? 'activity',
            label: meta?.label ?? name ?? 'activity',
            ...(meta?.color ? { color: meta.color } : {}),
            line: line(e),
          });
        }
        case 'scheduleTimer':
          return this.op(exits, 'timer', { label: timerLabel(args[0]), line: line(e) });
        case 'waitForEvent': {
          const name = literalString(args[0]) ?? 'event';
          return this.op(exits, 'event', { name, label: `wait for ${name}`, line: line(e) });
        }
        case 'scheduleSubOrchestration':
        case 'scheduleSubOrchestrationWithRetry': {
          const name = literalString(args[0]) ?? 'sub-orchestration';
          return this.op(this.argsThen(args.slice(1), exits), 'sub_orchestration', { name, label: name, line: line(e) });
        }
        case 'continueAsNew': {
          const after = this.argsThen(args, exits);
          this.builder.step(after, 'continue_as_new', { label: 'continue as new', line: line(e) });
          return [];
        }
        case 'all':
          return this.fork(args, exits, 'all', 'all done', e);
        case 'race':
        case 'select':
          return this.fork(args, exits, 'race', 'first wins', e);
        default:
          if (LLM_OPS.has(method)) return this.op(exits, 'llm', { name: method, label: `LLM ${method}`, line: line(e) });
          return this.argsThen(args, exits);
      }
    }
    if (method === 'all' && callee.object?.type === 'Identifier' && callee.object.name === 'Promise') return this.fork(args, exits, 'all', 'all done', e);
    if (method === 'race' && callee.object?.type === 'Identifier' && callee.object.name === 'Promise') return this.fork(args, exits, 'race', 'first wins', e);
    // this.helper(...) and helper(...) defined in the same class or file are inlined.
    const helper = this.helperFor(callee);
    const afterArgs = this.argsThen(args, callee?.type === 'MemberExpression' ? this.expression(callee.object, exits) : exits);
    if (helper) return this.walkFunctionBody(helper, afterArgs);
    return afterArgs;
  }

  private op(exits: Exit[], kind: 'activity' | 'timer' | 'event' | 'sub_orchestration' | 'llm', fields: Record<string, unknown>): Exit[] {
    const next = this.builder.step(exits, kind, fields);
    this.opNodes?.push(next[0].from);
    return next;
  }

  private argsThen(args: N[], exits: Exit[]): Exit[] {
    return args.reduce((f, a) => this.expression(a, f), exits);
  }

  /** ctx.all / Promise.all / ctx.race: a fork, one branch per task, and a join. */
  private fork(args: N[], exits: Exit[], kind: 'all' | 'race', joinLabel: string, e: N): Exit[] {
    const list: N[] = args.length === 1 && args[0].type === 'ArrayExpression' ? args[0].elements : args;
    const fork = this.builder.step(exits, 'fork', { label: kind === 'all' ? 'in parallel' : 'race', line: line(e) });
    const branches: Exit[] = [];
    for (const item of list) {
      if (!item) continue;
      // items.map(x => ctx.scheduleActivity(...)): one branch drawn for every item.
      const mapped = item.type === 'CallExpression' && keyName(item.callee?.property) === 'map' && isFunction(item.arguments?.[0]);
      if (mapped) {
        const cb = item.arguments[0];
        const start = this.builder.relabel(fork, 'for each');
        const end = cb.body.type === 'BlockStatement' ? this.statements(cb.body.body, start) : this.expression(cb.body, start);
        branches.push(...end);
      } else {
        branches.push(...this.expression(item, fork));
      }
    }
    const join = this.builder.add('join', { label: joinLabel });
    this.builder.connect(branches.length ? branches : fork, join);
    return [{ from: join }];
  }

  private helperFor(callee: N): N | undefined {
    if (callee?.type === 'Identifier') {
      const fn = this.file.helperFunction(callee.name);
      return fn && this.hasFlow(fn.body) ? fn : undefined;
    }
    if (callee?.type === 'MemberExpression' && callee.object?.type === 'ThisExpression' && this.cls) {
      const name = keyName(callee.property);
      const method = (this.cls.body?.body ?? []).find((m: N) => m.type === 'ClassMethod' && keyName(m.key) === name && !findDecorator(m, 'activity'));
      return method && this.hasFlow(method.body) ? method : undefined;
    }
    return undefined;
  }

  private isContinueAsNew(e: N): boolean {
    let x = e;
    while (x && (x.type === 'AwaitExpression' || x.type === 'YieldExpression')) x = x.argument;
    return x?.type === 'CallExpression' && keyName(x.callee?.property) === 'continueAsNew';
  }

  /** Whether a subtree contains anything the diagram draws (ctx calls, helper calls, returns, throws). */
  hasFlow(node: N): boolean {
    if (!node || typeof node !== 'object') return false;
    if (Array.isArray(node)) return node.some((n) => this.hasFlow(n));
    if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement') return true;
    if (node.type === 'CallExpression') {
      const c = node.callee;
      if (c?.type === 'MemberExpression' && c.object?.type === 'Identifier' && (c.object.name === this.ctxName || c.object.name === 'ctx')) return true;
      if (c?.type === 'Identifier' && this.file.helperFunction(c.name) && !this.inlining.has(this.file.helperFunction(c.name))) {
        if (this.hasFlow(this.file.helperFunction(c.name).body)) return true;
      }
      if (c?.type === 'MemberExpression' && c.object?.type === 'ThisExpression') return true;
    }
    if (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') {
      return this.hasFlow(node.body);
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key.endsWith('Comments')) continue;
      const child = node[key];
      if (child && typeof child === 'object' && this.hasFlow(child)) return true;
    }
    return false;
  }
}

function containsYieldOfCtx(node: N): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(containsYieldOfCtx);
  if (node.type === 'YieldExpression' && node.argument?.type === 'CallExpression' && node.argument.callee?.type === 'MemberExpression') return true;
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key.endsWith('Comments')) continue;
    const child = node[key];
    if (child && typeof child === 'object' && containsYieldOfCtx(child)) return true;
  }
  return false;
}

function isFunction(n: N): boolean {
  return n?.type === 'ArrowFunctionExpression' || n?.type === 'FunctionExpression' || n?.type === 'FunctionDeclaration' || n?.type === 'ClassMethod';
}

function calleeName(c: N): string | undefined {
  if (c?.type === 'Identifier') return c.name;
  if (c?.type === 'MemberExpression' || c?.type === 'OptionalMemberExpression') return keyName(c.property);
  return undefined;
}

function keyName(k: N): string | undefined {
  if (!k) return undefined;
  if (k.type === 'Identifier' || k.type === 'PrivateName') return k.name ?? k.id?.name;
  if (k.type === 'StringLiteral') return k.value;
  return undefined;
}

function literalString(n: N): string | undefined {
  if (n?.type === 'StringLiteral') return n.value;
  if (n?.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value?.cooked;
  return undefined;
}

function findDecorator(node: N, name: string): N | undefined {
  return (node.decorators ?? []).find((d: N) => {
    const x = d.expression;
    return (x?.type === 'CallExpression' && calleeName(x.callee) === name) || (x?.type === 'Identifier' && x.name === name);
  });
}

function objectLiteral(n: N): N | undefined {
  return n?.type === 'ObjectExpression' ? n : undefined;
}

function stringProp(obj: N | undefined, key: string): string | undefined {
  const prop = obj?.properties?.find((p: N) => p.type === 'ObjectProperty' && keyName(p.key) === key);
  return literalString(prop?.value);
}

function line(n: N): number | undefined {
  return n?.loc?.start?.line;
}

function timerLabel(arg: N): string {
  const ms = arg?.type === 'NumericLiteral' ? arg.value : undefined;
  if (ms === undefined) return 'timer';
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `wait ${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `wait ${ms / 60_000}min`;
  if (ms >= 1000 && ms % 1000 === 0) return `wait ${ms / 1000}s`;
  return `wait ${ms}ms`;
}

/** A condition as code, with string literals masked and length capped. */
function conditionLabel(n: N): string {
  return shortSource(n);
}

function shortSource(n: N): string {
  const text = render(n);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Re-prints small expressions (no string literal contents). */
function render(n: N): string {
  if (!n) return '';
  switch (n.type) {
    case 'Identifier':
      return n.name;
    case 'ThisExpression':
      return 'this';
    case 'StringLiteral':
    case 'TemplateLiteral':
      return '"…"';
    case 'NumericLiteral':
      return String(n.value);
    case 'BooleanLiteral':
      return String(n.value);
    case 'NullLiteral':
      return 'null';
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return n.computed ? `${render(n.object)}[${render(n.property)}]` : `${render(n.object)}.${render(n.property)}`;
    case 'UnaryExpression':
      return `${n.operator}${render(n.argument)}`;
    case 'BinaryExpression':
    case 'LogicalExpression':
      return `${render(n.left)} ${n.operator} ${render(n.right)}`;
    case 'AwaitExpression':
      return render(n.argument);
    case 'CallExpression':
      return `${render(n.callee)}()`;
    case 'ParenthesizedExpression':
      return `(${render(n.expression)})`;
    case 'TSAsExpression':
    case 'TSNonNullExpression':
      return render(n.expression);
    case 'VariableDeclarator':
      return render(n.id);
    case 'ObjectPattern':
    case 'ArrayPattern':
      return 'item';
    default:
      return n.type === 'VariableDeclaration' ? render(n.declarations?.[0]?.id) : '…';
  }
}
