/**
 * Walks one orchestration body and builds its graph. Abrupt completions travel through a
 * stack of scopes, so a `finally` runs on every exit from its `try`/`catch` — normal
 * completion, `return`, `throw`, a failing step no `catch` handles, `break`/`continue` — and
 * each exit continues where it was going once the finally steps are drawn.
 */
import { LLM_OPERATION_NAMES } from '../llm/operation-names.js';
import type * as t from '@babel/types';
import { children, findDecorator, isFunctionNode, keyName, line, literalString, memberCall, unwrap, walk, type FunctionNode } from './ast.js';
import { caseLabel, conditionLabel } from './condition-label.js';
import { FlowBuilder, type Exit } from './flow-builder.js';
import type { FlowGraph, FlowNode } from './flow-graph.js';

export interface ActivityDiagramMeta {
  name: string;
  label?: string;
  color?: string;
  description?: string;
}

/** What the walker asks of the file it is in. */
export interface WalkerHost {
  activityMeta(name: string): ActivityDiagramMeta | undefined;
  helperFunction(name: string): FunctionNode | undefined;
  /** `check`: a finding of the build step's checks (`--check --strict` fails on it). */
  warn(node: t.Node, message: string, check?: true): void;
}

interface Jump {
  kind: 'break' | 'continue';
  label?: string;
  exits: Exit[];
}
interface FunctionScope {
  kind: 'function';
  returns: Exit[];
  /** The orchestration itself: a return goes straight to End. */
  ends: boolean;
}
/** A try block (or a catch block with a finally): where throws, returns and jumps wait. */
interface TryScope {
  kind: 'try';
  catches: boolean;
  finalizer: boolean;
  throws: Exit[];
  returns: Exit[];
  jumps: Jump[];
}
interface JumpTarget {
  kind: 'loop' | 'switch' | 'label';
  label?: string;
  breaks: Exit[];
  continues: Exit[];
}
type Scope = FunctionScope | TryScope | JumpTarget;
type Loop = t.ForStatement | t.ForOfStatement | t.ForInStatement | t.WhileStatement | t.DoWhileStatement;
type StepKind = 'activity' | 'timer' | 'event' | 'sub_orchestration' | 'llm';

/** The LLM operations, from the LLM layer's specs: a new operation is drawn without editing this file. */
export const LLM_OPS = LLM_OPERATION_NAMES;

export class FlowWalker {
  readonly builder = new FlowBuilder();
  private readonly inlining = new Set<t.Node>();
  private readonly checking = new Set<t.Node>();
  private readonly scopes: Scope[] = [];

  constructor(
    private readonly host: WalkerHost,
    private readonly cls: t.Class | null,
    private readonly ctxName: string,
  ) {}

  /** The orchestration's own body: its returns end the flow. */
  walkOrchestration(fn: FunctionNode): FlowGraph {
    return this.builder.finish(this.inline(fn, [{ from: 'start' }], true));
  }

  /** A function body whose returns continue after it (an inlined helper, a fan-out callback). */
  private inline(fn: FunctionNode, exits: Exit[], ends = false): Exit[] {
    if (this.inlining.has(fn)) return exits; // recursion: draw it once
    this.inlining.add(fn);
    const scope: FunctionScope = { kind: 'function', returns: [], ends };
    this.scopes.push(scope);
    const normal = fn.body.type === 'BlockStatement' ? this.statements(fn.body.body, exits) : this.expression(fn.body, exits);
    this.scopes.pop();
    this.inlining.delete(fn);
    return [...normal, ...scope.returns];
  }

  private statements(list: t.Statement[], exits: Exit[]): Exit[] {
    let frontier = exits;
    for (const s of list) {
      if (frontier.length === 0) break; // unreachable after return/throw/break
      frontier = this.statement(s, frontier);
    }
    return frontier;
  }

  private statement(s: t.Statement, exits: Exit[], label?: string): Exit[] {
    switch (s.type) {
      case 'ExpressionStatement':
        return this.expression(s.expression, exits);
      case 'VariableDeclaration':
        return s.declarations.reduce((f, d) => (d.init ? this.expression(d.init, f) : f), exits);
      case 'ReturnStatement': {
        const after = s.argument ? this.expression(s.argument, exits) : exits;
        if (after.length) this.dispatchReturn(after);
        return [];
      }
      case 'ThrowStatement': {
        const after = this.expression(s.argument, exits);
        if (after.length) this.dispatchThrow(after, s, 'throw');
        return [];
      }
      case 'BlockStatement':
        return this.statements(s.body, exits);
      case 'IfStatement':
        return this.ifStatement(s, exits);
      case 'SwitchStatement':
        return this.switchStatement(s, exits, label);
      case 'ForStatement':
      case 'ForOfStatement':
      case 'ForInStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        return this.loop(s, exits, label);
      case 'TryStatement':
        return this.tryStatement(s, exits);
      case 'LabeledStatement':
        return this.labeled(s, exits);
      case 'BreakStatement':
      case 'ContinueStatement':
        return this.dispatchJump({ kind: s.type === 'BreakStatement' ? 'break' : 'continue', label: s.label?.name, exits }) ? [] : exits;
      default:
        return exits;
    }
  }

  private ifStatement(s: t.IfStatement, exits: Exit[]): Exit[] {
    const afterTest = this.expression(s.test, exits);
    if (!this.hasFlow(s.consequent, true) && !this.hasFlow(s.alternate, true)) return afterTest;
    const decision = this.decision(afterTest, s.test, s);
    const yes = this.statement(s.consequent, this.builder.relabel(decision, 'yes'));
    const no = s.alternate ? this.statement(s.alternate, this.builder.relabel(decision, 'no')) : this.builder.relabel(decision, 'no');
    return [...yes, ...no];
  }

  private switchStatement(s: t.SwitchStatement, exits: Exit[], label?: string): Exit[] {
    const afterTest = this.expression(s.discriminant, exits);
    if (!s.cases.some((c) => c.consequent.some((x) => this.hasFlow(x)))) return afterTest;
    const decision = this.decision(afterTest, s.discriminant, s);
    const scope: JumpTarget = { kind: 'switch', label, breaks: [], continues: [] };
    this.scopes.push(scope);
    let fallthrough: Exit[] = [];
    for (const c of s.cases) {
      const entry = [...this.builder.relabel(decision, c.test ? caseLabel(c.test) : 'default'), ...fallthrough];
      fallthrough = this.statements(c.consequent, entry);
    }
    this.scopes.pop();
    const out = [...scope.breaks, ...fallthrough];
    if (!s.cases.some((c) => !c.test)) out.push(...this.builder.relabel(decision, 'other'));
    return out;
  }

  private loop(s: Loop, exits: Exit[], label?: string): Exit[] {
    let frontier = exits;
    if (s.type === 'ForStatement' && s.init) frontier = s.init.type === 'VariableDeclaration' ? this.statement(s.init, frontier) : this.expression(s.init, frontier);
    if (s.type === 'ForOfStatement' || s.type === 'ForInStatement') frontier = this.expression(s.right, frontier);
    const test = s.type === 'ForOfStatement' || s.type === 'ForInStatement' ? null : s.test;
    if (!this.hasFlow(s.body) && !this.hasFlow(test)) return frontier;
    const text = s.type === 'ForOfStatement' || s.type === 'ForInStatement' ? `for each ${conditionLabel(s.left)}` : test ? `while ${conditionLabel(test)}` : 'repeat';
    if (test) this.checkDeterminism(test, text);
    const loopId = this.builder.step(frontier, 'loop', { label: text, line: line(s) })[0].from;
    const scope: JumpTarget = { kind: 'loop', label, breaks: [], continues: [] };
    this.scopes.push(scope);
    let body = this.builder.relabel([{ from: loopId }], 'next');
    if (test && s.type !== 'DoWhileStatement') body = this.expression(test, body);
    body = this.statement(s.body, body);
    this.scopes.pop();
    let back = [...body, ...mark(this.builder, scope.continues, 'continue')];
    if (s.type === 'ForStatement' && s.update) back = this.expression(s.update, back);
    if (test && s.type === 'DoWhileStatement') back = this.expression(test, back);
    if (back.length) this.builder.connect(back.map((e) => ({ from: e.from, label: e.label ?? 'repeat' })), loopId);
    return [{ from: loopId, label: 'done' }, ...mark(this.builder, scope.breaks, 'break')];
  }

  /** A decision node on `test`; a test that differs on replay is a warning. */
  private decision(exits: Exit[], test: t.Node, at: t.Node, label = conditionLabel(test)): Exit[] {
    this.checkDeterminism(test, label);
    return this.builder.step(exits, 'decision', { label, line: line(at) });
  }

  private checkDeterminism(test: t.Node, label: string): void {
    const call = nondeterministicCall(test);
    if (!call) return;
    this.host.warn(
      call.node,
      `the decision "${label}" depends on ${call.text}, which differs on replay: a replay may take another branch than the history recorded (a NondeterminismError). Use ctx.utcNow() or ctx.newGuid(), or compute it in an activity`,
      true,
    );
  }

  private labeled(s: t.LabeledStatement, exits: Exit[]): Exit[] {
    const b = s.body;
    if (b.type === 'SwitchStatement' || b.type === 'ForStatement' || b.type === 'ForOfStatement' || b.type === 'ForInStatement' || b.type === 'WhileStatement' || b.type === 'DoWhileStatement') {
      return this.statement(b, exits, s.label.name);
    }
    const scope: JumpTarget = { kind: 'label', label: s.label.name, breaks: [], continues: [] };
    this.scopes.push(scope);
    const out = this.statement(b, exits);
    this.scopes.pop();
    return [...out, ...scope.breaks];
  }

  private tryStatement(s: t.TryStatement, exits: Exit[]): Exit[] {
    const finalizer = !!s.finalizer && this.hasFlow(s.finalizer, true);
    const block = tryScope(!!s.handler, finalizer);
    this.scopes.push(block);
    const afterBlock = this.statements(s.block.body, exits);
    this.scopes.pop();
    // What leaves the try/catch other than by completing: it runs the finally first.
    const pending = tryScope(false, finalizer);
    pending.returns.push(...block.returns);
    pending.jumps.push(...block.jumps);
    let afterCatch: Exit[] = [];
    if (s.handler && block.throws.length) {
      const error = this.builder.add('error', { label: 'on error', line: line(s.handler) });
      this.builder.connect(block.throws, error);
      if (finalizer) this.scopes.push(pending);
      afterCatch = this.statements(s.handler.body.body, [{ from: error, label: 'compensate' }]);
      if (finalizer) this.scopes.pop();
    } else if (!s.handler) {
      pending.throws.push(...block.throws);
    }
    const normal = [...afterBlock, ...afterCatch];
    return finalizer && s.finalizer ? this.runFinally(s.finalizer, normal, pending) : normal;
  }

  /** One copy of the finally steps, entered by every exit; each exit then goes on where it was going. */
  private runFinally(fin: t.BlockStatement, normal: Exit[], pending: TryScope): Exit[] {
    const entries = [...normal, ...this.builder.relabel(pending.returns, 'return'), ...pending.throws, ...pending.jumps.flatMap((j) => this.builder.relabel(j.exits, j.kind))];
    if (!entries.length) return [];
    const after = this.statements(fin.body, entries);
    if (!after.length) return [];
    if (pending.returns.length) this.dispatchReturn(this.builder.relabel(after, 'then return'));
    if (pending.throws.length) this.dispatchThrow(after, fin, 'rethrow');
    for (const j of pending.jumps) this.dispatchJump({ ...j, exits: this.builder.relabel(after, `then ${j.kind}`) });
    return normal.length ? after : [];
  }

  private dispatchReturn(exits: Exit[]): void {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i];
      if (s.kind === 'function' && s.ends) return void this.builder.connect(exits, this.builder.endNode());
      if ((s.kind === 'try' && s.finalizer) || s.kind === 'function') return void s.returns.push(...exits);
    }
  }

  /** A throw goes to the nearest catch or finally (through inlined helpers), else ends the flow. */
  private dispatchThrow(exits: Exit[], at: t.Node, how: 'throw' | 'rethrow'): void {
    const target = this.catchingScope();
    if (target) target.throws.push(...this.builder.relabel(exits, how));
    else this.builder.step(how === 'throw' ? exits : this.builder.relabel(exits, how), 'error', { label: 'throw', line: line(at) });
  }

  private dispatchJump(j: Jump): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i];
      if (s.kind === 'function') return false;
      if (s.kind === 'try') {
        if (!s.finalizer) continue;
        s.jumps.push(j);
        return true;
      }
      const matches = j.label ? s.label === j.label : s.kind === 'loop' || (j.kind === 'break' && s.kind === 'switch');
      if (!matches) continue;
      if (j.kind === 'break') s.breaks.push(...j.exits);
      else if (s.kind === 'loop') s.continues.push(...j.exits);
      else return false;
      return true;
    }
    return false;
  }

  private catchingScope(): TryScope | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i];
      if (s.kind === 'try' && (s.catches || s.finalizer)) return s;
    }
    return undefined;
  }

  /** Walks an expression in evaluation order, adding nodes for ctx operations. */
  private expression(e: t.Node | null | undefined, exits: Exit[]): Exit[] {
    if (!e || exits.length === 0) return exits;
    switch (e.type) {
      case 'CallExpression':
      case 'OptionalCallExpression':
        return this.call(e, exits);
      case 'ConditionalExpression': {
        const afterTest = this.expression(e.test, exits);
        if (!this.hasFlow(e.consequent) && !this.hasFlow(e.alternate)) return afterTest;
        const d = this.decision(afterTest, e.test, e);
        return [...this.expression(e.consequent, this.builder.relabel(d, 'yes')), ...this.expression(e.alternate, this.builder.relabel(d, 'no'))];
      }
      case 'LogicalExpression': {
        const afterLeft = this.expression(e.left, exits);
        if (!this.hasFlow(e.right)) return afterLeft;
        const d = this.decision(afterLeft, e.left, e, `${conditionLabel(e.left)} ${e.operator}`);
        const runsRight = e.operator === '||' ? 'no' : 'yes';
        const skips = e.operator === '||' ? 'yes' : 'no';
        return [...this.expression(e.right, this.builder.relabel(d, runsRight)), ...this.builder.relabel(d, skips)];
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'ClassExpression':
        return exits; // a callback defined here runs elsewhere
      default:
        return children(e).reduce((f, c) => this.expression(c, f), exits);
    }
  }

  private call(e: t.CallExpression | t.OptionalCallExpression, exits: Exit[]): Exit[] {
    const member = memberCall(e.callee);
    const args = e.arguments;
    if (member && member[0].type === 'Identifier' && (member[0].name === this.ctxName || member[0].name === 'ctx')) return this.ctxCall(member[1], e, exits);
    if (member && member[0].type === 'Identifier' && member[0].name === 'Promise' && (member[1] === 'all' || member[1] === 'race')) {
      return this.fork(args, exits, member[1], e);
    }
    // this.helper(...) and helper(...) defined in the same class or file are inlined.
    const helper = this.helperFor(e.callee);
    const afterArgs = this.argsThen(args, member ? this.expression(member[0], exits) : exits);
    return helper ? this.inline(helper, afterArgs) : afterArgs;
  }

  private ctxCall(method: string, e: t.CallExpression | t.OptionalCallExpression, exits: Exit[]): Exit[] {
    const args = e.arguments;
    switch (method) {
      case 'scheduleActivity':
      case 'scheduleActivityWithRetry': {
        const name = literalString(args[0]);
        if (!name) this.host.warn(e, 'scheduleActivity with a computed name: drawn as "activity"');
        const meta = name ? this.host.activityMeta(name) : undefined;
        const fields = { name: name ?? 'activity', label: meta?.label ?? name ?? 'activity', ...(meta?.color ? { color: meta.color } : {}), line: line(e) };
        return this.op(this.argsThen(args.slice(1), exits), 'activity', fields);
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
      case 'continueAsNew':
        this.builder.step(this.argsThen(args, exits), 'continue_as_new', { label: 'continue as new', line: line(e) });
        return [];
      case 'all':
      case 'race':
      case 'select':
        return this.fork(args, exits, method === 'all' ? 'all' : 'race', e);
      default:
        if (LLM_OPS.has(method)) return this.op(exits, 'llm', { name: method, label: `LLM ${method}`, line: line(e) });
        return this.argsThen(args, exits);
    }
  }

  /** A step; inside a try, its failure is a path to the catch or finally. */
  private op(exits: Exit[], kind: StepKind, fields: Omit<FlowNode, 'id' | 'kind'>): Exit[] {
    const next = this.builder.step(exits, kind, fields);
    if (exits.length) this.catchingScope()?.throws.push({ from: next[0].from, label: 'fails' });
    return next;
  }

  private argsThen(args: t.Node[], exits: Exit[]): Exit[] {
    return args.reduce((f, a) => this.expression(a, f), exits);
  }

  /** ctx.all / Promise.all / ctx.race: a fork, one branch per task, and a join. */
  private fork(args: t.Node[], exits: Exit[], kind: 'all' | 'race', e: t.Node): Exit[] {
    const first = args[0];
    const list = args.length === 1 && first?.type === 'ArrayExpression' ? first.elements : args;
    const fork = this.builder.step(exits, 'fork', { label: kind === 'all' ? 'in parallel' : 'race', line: line(e) });
    const branches: Exit[] = [];
    for (const item of list) {
      if (!item) continue;
      // items.map(x => ctx.scheduleActivity(...)): one branch drawn for every item.
      const cb = item.type === 'CallExpression' && memberCall(item.callee)?.[1] === 'map' ? item.arguments[0] : undefined;
      if (cb && isFunctionNode(cb)) branches.push(...this.inline(cb, this.builder.relabel(fork, 'for each')));
      else branches.push(...this.expression(item, fork));
    }
    const join = this.builder.add('join', { label: kind === 'all' ? 'all done' : 'first wins' });
    this.builder.connect(branches.length ? branches : fork, join);
    return [{ from: join }];
  }

  private helperFor(callee: t.Node): FunctionNode | undefined {
    if (callee.type === 'Identifier') {
      const fn = this.host.helperFunction(callee.name);
      return fn && this.hasFlow(fn.body) ? fn : undefined;
    }
    if (callee.type === 'MemberExpression' && callee.object.type === 'ThisExpression' && this.cls) {
      const name = keyName(callee.property);
      const method = this.cls.body.body.find((m): m is t.ClassMethod => m.type === 'ClassMethod' && keyName(m.key) === name && !findDecorator(m, 'activity'));
      return method && this.hasFlow(method.body) ? method : undefined;
    }
    return undefined;
  }

  /** Whether a subtree holds anything the diagram draws (ctx calls, helpers, returns, throws; jumps if asked). */
  hasFlow(node: t.Node | null | undefined, jumps = false): boolean {
    return walk(node, (n) => {
      if (n.type === 'ReturnStatement' || n.type === 'ThrowStatement') return true;
      if (jumps && (n.type === 'BreakStatement' || n.type === 'ContinueStatement')) return true;
      if (n.type !== 'CallExpression') return;
      const member = memberCall(n.callee);
      if (member && member[0].type === 'Identifier' && (member[0].name === this.ctxName || member[0].name === 'ctx')) return true;
      if (member && member[0].type === 'ThisExpression') return true;
      const helper = n.callee.type === 'Identifier' ? this.host.helperFunction(n.callee.name) : undefined;
      if (!helper || this.inlining.has(helper) || this.checking.has(helper)) return;
      this.checking.add(helper);
      const found = this.hasFlow(helper.body);
      this.checking.delete(helper);
      return found;
    });
  }
}

/** `Math.random()`, `Date.now()`, `new Date()` / `Date()` inside a condition (not inside a callback defined there). */
function nondeterministicCall(test: t.Node): { node: t.Node; text: string } | undefined {
  let found: { node: t.Node; text: string } | undefined;
  walk(test, (n) => {
    if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') return 'skip';
    if (n.type === 'NewExpression' && n.callee.type === 'Identifier' && n.callee.name === 'Date' && n.arguments.length === 0) found = { node: n, text: 'new Date()' };
    else if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'Date') found = { node: n, text: 'Date()' };
    else if (n.type === 'CallExpression') {
      const m = memberCall(n.callee);
      if (m && m[0].type === 'Identifier' && ((m[0].name === 'Math' && m[1] === 'random') || (m[0].name === 'Date' && m[1] === 'now') || (m[0].name === 'performance' && m[1] === 'now'))) {
        found = { node: n, text: `${m[0].name}.${m[1]}()` };
      }
    }
    return found ? true : undefined;
  });
  return found;
}

/** Labels exits with `word` unless a finally already said it ("then break"). */
function mark(builder: FlowBuilder, exits: Exit[], word: string): Exit[] {
  return exits.map((e) => (e.label?.includes(word) ? e : builder.relabel([e], word)[0]));
}

function tryScope(catches: boolean, finalizer: boolean): TryScope {
  return { kind: 'try', catches, finalizer, throws: [], returns: [], jumps: [] };
}

/** Whether a function yields ctx calls (duroxide-node's generator style). */
export function yieldsCtxCalls(fn: FunctionNode): boolean {
  return walk(fn.body, (n) => n.type === 'YieldExpression' && unwrap(n.argument)?.type === 'CallExpression' && (unwrap(n.argument) as t.CallExpression).callee.type === 'MemberExpression');
}

function timerLabel(arg: t.Node | undefined): string {
  const ms = arg?.type === 'NumericLiteral' ? arg.value : undefined;
  if (ms === undefined) return 'timer';
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `wait ${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `wait ${ms / 60_000}min`;
  if (ms >= 1000 && ms % 1000 === 0) return `wait ${ms / 1000}s`;
  return `wait ${ms}ms`;
}
