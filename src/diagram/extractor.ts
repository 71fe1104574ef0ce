/**
 * Extracts orchestration flows from source: `@orchestration` classes (their `run` method),
 * `registerOrchestration(name, fn)` calls and duroxide-node style generator functions. The
 * @babel/parser AST is walked (flow-walker.ts) into the FlowGraph IR. It never throws: odd or
 * broken code gives warnings with file and line, and the flow it could read.
 *
 * Only names (activities, events, sub-orchestrations, LLM operations), decorator labels and the
 * string literals a condition compares reach the IR — never prompts or other literals.
 */
import { parse, type ParserPlugin } from '@babel/parser';
import type * as t from '@babel/types';
import { calleeName, decoratorOptions, decoratorString, findDecorator, isFunctionNode, keyName, line, literalString, stringProp, walk, type FunctionNode } from './ast.js';
import { FlowWalker, yieldsCtxCalls, type ActivityDiagramMeta, type WalkerHost } from './flow-walker.js';
import type { OrchestrationFlow } from './flow-graph.js';
import { hexColor, suggestColor } from './formats/format.js';

export type { ActivityDiagramMeta } from './flow-walker.js';

export interface ExtractionWarning {
  file: string;
  line?: number;
  message: string;
  /** A finding of the build step's checks (`--check --strict` fails on it), not a note on what could be read. */
  check?: true;
}

/** Names this file gives the project besides its activities: what the name check compares with. */
export interface DefinedNames {
  /** `registerOrchestration('name', …)` literals (also those whose function lives elsewhere). */
  orchestrations: string[];
  /** Event names this file raises: string literals among the first two arguments of `raiseEvent(…)`. */
  raisedEvents: string[];
}

export interface ExtractionResult {
  flows: OrchestrationFlow[];
  warnings: ExtractionWarning[];
  /** `@activity` and `registerActivity('name', fn, opts?)` declarations found in this file, by activity name. */
  activities: Map<string, ActivityDiagramMeta>;
  defines: DefinedNames;
}

export interface ExtractOptions {
  /** Labels and colours of activities declared elsewhere in the project. */
  activityLabels?: Map<string, ActivityDiagramMeta>;
}

/** The cheap check that lets a build skip most files without parsing them. */
export function mayContainOrchestration(code: string): boolean {
  return code.includes('@orchestration') || code.includes('registerOrchestration') || (code.includes('function*') && code.includes('yield'));
}

/** Whether a file may define names an orchestration uses (activities, raised events), so the name check reads it. */
export function mayDefineNames(code: string): boolean {
  return code.includes('@activity') || code.includes('registerActivity') || code.includes('raiseEvent');
}

function parserPlugins(file: string): ParserPlugin[][] {
  const jsx = file.endsWith('.tsx') || file.endsWith('.jsx');
  const ts = !/\.(m|c)?js$/.test(file) || file.endsWith('.ts');
  const base: ParserPlugin[] = [...(ts ? (['typescript'] as ParserPlugin[]) : []), ...(jsx ? (['jsx'] as ParserPlugin[]) : [])];
  return [
    [...base, ['decorators', { decoratorsBeforeExport: true }]],
    [...base, 'decorators-legacy'],
  ];
}

function parseSource(code: string, file: string, recover = true): { ast: t.File | null; errors: ExtractionWarning[] } {
  let lastError: unknown;
  for (const plugins of parserPlugins(file)) {
    try {
      const ast = parse(code, { sourceType: 'module', plugins, errorRecovery: true, allowReturnOutsideFunction: true });
      const errors = (ast.errors ?? []).map((e) => ({ file, line: (e as { loc?: { line: number } }).loc?.line, message: `syntax: ${e.reasonCode ?? String(e)}` }));
      return { ast, errors };
    } catch (err) {
      lastError = err;
    }
  }
  const e = lastError as { loc?: { line: number }; message?: string };
  const errors = [{ file, line: e?.loc?.line, message: `could not parse: ${e?.message ?? String(lastError)}` }];
  if (!recover) return { ast: null, errors };
  return { ast: parsePrefix(code, file, e?.loc?.line ?? 1), errors };
}

/** Draws what can be read: the code before the error (a few cut points), open brackets closed. */
function parsePrefix(code: string, file: string, errorLine: number): t.File | null {
  const lines = code.split('\n');
  for (let cut = errorLine - 1; cut >= Math.max(1, errorLine - 6); cut--) {
    const prefix = lines.slice(0, cut).join('\n');
    const closers = [...prefix.replace(/[^{}()]/g, '')].reduce<string[]>((stack, ch) => {
      if (ch === '{' || ch === '(') stack.push(ch === '{' ? '}' : ')');
      else stack.pop();
      return stack;
    }, []);
    if (closers.length === 0 || closers.length > 200) continue;
    const partial = parseSource(`${prefix}\n${closers.reverse().join('\n')}\n`, file, false);
    if (partial.ast && partial.errors.length === 0) return partial.ast;
  }
  return null;
}

export function extractOrchestrations(code: string, file: string, opts: ExtractOptions = {}): ExtractionResult {
  const result: ExtractionResult = { flows: [], warnings: [], activities: new Map(), defines: { orchestrations: [], raisedEvents: [] } };
  if (!mayContainOrchestration(code) && !mayDefineNames(code)) return result;
  try {
    const { ast, errors } = parseSource(code, file);
    result.warnings.push(...errors);
    if (ast) new FileExtractor(file, ast.program, result, opts).run();
  } catch (err) {
    result.warnings.push({ file, message: `extraction stopped early: ${(err as Error).message}` });
  }
  return result;
}

class FileExtractor implements WalkerHost {
  private readonly functions = new Map<string, FunctionNode>();
  private readonly registeredFunctions = new Set<string>();
  private readonly classes: t.Class[] = [];
  private readonly registrations: t.CallExpression[] = [];
  private readonly activityRegistrations: t.CallExpression[] = [];

  constructor(
    private readonly file: string,
    private readonly program: t.Program,
    private readonly result: ExtractionResult,
    private readonly opts: ExtractOptions,
  ) {}

  run(): void {
    this.scan();
    for (const cls of this.classes) this.collectActivities(cls);
    for (const call of this.activityRegistrations) this.fromActivityRegistration(call);
    for (const cls of this.classes) this.fromClass(cls);
    for (const call of this.registrations) this.fromRegistration(call);
    for (const [name, fn] of this.functions) {
      if (fn.generator && !this.registeredFunctions.has(name) && yieldsCtxCalls(fn)) this.addFlow({ name, file: this.file }, fn, null);
    }
  }

  /** Finds classes, function declarations and registerOrchestration calls anywhere. */
  private scan(): void {
    walk(this.program, (n) => {
      if (n.type === 'ClassDeclaration' || n.type === 'ClassExpression') this.classes.push(n);
      else if (n.type === 'FunctionDeclaration' && n.id) this.functions.set(n.id.name, n);
      else if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && (n.init?.type === 'ArrowFunctionExpression' || n.init?.type === 'FunctionExpression')) this.functions.set(n.id.name, n.init);
      else if (n.type === 'CallExpression') this.scanCall(n);
    });
  }

  private scanCall(call: t.CallExpression): void {
    const callee = calleeName(call.callee);
    if (callee === 'registerOrchestration') {
      this.registrations.push(call);
      const name = literalString(call.arguments[0]);
      if (name) this.result.defines.orchestrations.push(name);
    } else if (callee === 'registerActivity') {
      this.activityRegistrations.push(call);
    } else if (callee === 'raiseEvent') {
      // client.raiseEvent(instanceId, 'name', data) and handle.raiseEvent('name', data)
      for (const a of call.arguments.slice(0, 2)) {
        const name = literalString(a);
        if (name && !this.result.defines.raisedEvents.includes(name)) this.result.defines.raisedEvents.push(name);
      }
    }
  }

  /** `registerActivity('name', fn, { diagramLabel, diagramColor, description })`. */
  private fromActivityRegistration(call: t.CallExpression): void {
    const name = literalString(call.arguments[0]);
    if (!name || this.result.activities.has(name)) return;
    const o = call.arguments[2];
    this.result.activities.set(name, this.readActivityMeta(name, o?.type === 'ObjectExpression' ? o : undefined, undefined, call));
  }

  /** An activity's diagram metadata; an unknown `diagramColor` is a warning (drawn without colour). */
  private readActivityMeta(name: string, o: t.ObjectExpression | undefined, bareLabel: string | undefined, at: t.Node): ActivityDiagramMeta {
    const meta: ActivityDiagramMeta = { name };
    const label = stringProp(o, 'diagramLabel') ?? bareLabel;
    const color = stringProp(o, 'diagramColor');
    const description = stringProp(o, 'description');
    if (label) meta.label = label;
    if (color) {
      if (hexColor(color)) meta.color = color;
      else this.warn(at, `activity "${name}": diagramColor "${color}" is neither #hex nor a CSS colour name, so the step is drawn without a colour${suggestColor(color)}`);
    }
    if (description) meta.description = description;
    return meta;
  }

  private collectActivities(cls: t.Class): void {
    for (const member of cls.body.body) {
      if (member.type !== 'ClassMethod' && member.type !== 'ClassPrivateMethod') continue;
      const deco = findDecorator(member, 'activity');
      if (!deco) continue;
      const o = decoratorOptions(deco);
      const name = stringProp(o, 'name') ?? keyName(member.key);
      if (!name) continue;
      this.result.activities.set(name, this.readActivityMeta(name, o, decoratorString(deco), deco));
    }
  }

  private fromClass(cls: t.Class): void {
    const deco = findDecorator(cls, 'orchestration');
    if (!deco) return;
    const o = decoratorOptions(deco);
    const className = cls.id?.name;
    const run = cls.body.body.find((m) => (m.type === 'ClassMethod' || m.type === 'ClassProperty') && keyName(m.key) === 'run');
    const fn = run?.type === 'ClassProperty' ? run.value : run;
    if (!fn || !isFunctionNode(fn)) {
      this.warn(cls, `@orchestration class ${className ?? '(anonymous)'} has no run method`);
      return;
    }
    const flow: Omit<OrchestrationFlow, 'graph'> = { name: stringProp(o, 'name') ?? className ?? 'orchestration', file: this.file };
    if (className) flow.className = className;
    const title = stringProp(o, 'diagramTitle') ?? decoratorString(deco);
    const description = stringProp(o, 'diagramDescription');
    const version = stringProp(o, 'version');
    if (title) flow.title = title;
    if (description) flow.description = description;
    if (version) flow.version = version;
    this.addFlow(flow, fn, cls);
  }

  private fromRegistration(call: t.CallExpression): void {
    const [nameArg, fnArg, optsArg] = call.arguments;
    const name = literalString(nameArg);
    if (!name) {
      this.warn(call, 'registerOrchestration with a computed name: skipped (use a string literal to get a diagram)');
      return;
    }
    let fn: t.Node | undefined = fnArg;
    if (fnArg?.type === 'Identifier') {
      fn = this.functions.get(fnArg.name);
      this.registeredFunctions.add(fnArg.name);
    }
    if (!fn || !isFunctionNode(fn)) {
      this.warn(call, `registerOrchestration("${name}"): the function is not defined in this file`);
      return;
    }
    const flow: Omit<OrchestrationFlow, 'graph'> = { name, file: this.file };
    const version = stringProp(optsArg?.type === 'ObjectExpression' ? optsArg : undefined, 'version');
    if (version) flow.version = version;
    this.addFlow(flow, fn, null);
  }

  private addFlow(flow: Omit<OrchestrationFlow, 'graph'>, fn: FunctionNode, cls: t.Class | null): void {
    const first = fn.params[0];
    const ctxName = first?.type === 'Identifier' ? first.name : 'ctx';
    const walker = new FlowWalker(this, cls, ctxName);
    this.result.flows.push({ ...flow, graph: walker.walkOrchestration(fn) });
  }

  activityMeta(name: string): ActivityDiagramMeta | undefined {
    return this.result.activities.get(name) ?? this.opts.activityLabels?.get(name);
  }

  helperFunction(name: string): FunctionNode | undefined {
    return this.functions.get(name);
  }

  warn(node: t.Node, message: string, check?: true): void {
    this.result.warnings.push({ file: this.file, line: line(node), message, ...(check ? { check } : {}) });
  }
}
