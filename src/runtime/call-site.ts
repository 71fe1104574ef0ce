/**
 * Where orchestration code made a ctx call: the first stack frame outside the runtime, as
 * `file:line:column` of the source (through its source map when one is loaded). Recorded on
 * schedule events so the console maps events to diagram nodes exactly, and named in
 * NondeterminismError. Built from V8's structured frames, mapping one frame only: formatting
 * a whole stack on every ctx call would cost more than the rest of the call.
 */
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const RUNTIME_FILE = /[\\/](?:dist[\\/])?src[\\/](?:runtime|llm)[\\/]/;

type Prepare = typeof Error.prepareStackTrace;

/**
 * A direct ctx call has user code within a few frames; LLM operations and composite tasks add
 * some. Capturing costs per frame, so look near first and deeper only when needed.
 */
const NEAR = 6;
const DEEP = 16;

function frames(skip: (...args: never[]) => unknown, prepare: Prepare, depth: number): NodeJS.CallSite[] {
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_err, callSites) => callSites;
  Error.stackTraceLimit = depth;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, skip);
  const out = holder.stack ?? [];
  Error.prepareStackTrace = prepare as NonNullable<Prepare>; // restores undefined too
  Error.stackTraceLimit = limit;
  return out;
}

/** `file:line:column` of the first caller outside the runtime, or undefined. */
export function callSite(): string | undefined {
  const prepare = Error.prepareStackTrace;
  const near = frames(callSite, prepare, NEAR);
  const user = near.find(isUserFrame) ?? (near.length < NEAR ? undefined : frames(callSite, prepare, DEEP).find(isUserFrame));
  return user ? siteOf(user, prepare) : undefined;
}

function isUserFrame(f: NodeJS.CallSite): boolean {
  const file = f.getFileName();
  return !!file && !file.startsWith('node:') && !RUNTIME_FILE.test(file);
}

function siteOf(f: NodeJS.CallSite, prepare: Prepare): string {
  const file = f.getFileName()!;
  const line = f.getLineNumber() ?? 0;
  const column = f.getColumnNumber() ?? 0;
  const key = `${file}:${line}:${column}`;
  let site = mapped.get(key);
  if (site === undefined) {
    // A stack formatter installed by a tool (tsx, vitest, source-map-support) maps positions:
    // let it format this one frame; otherwise Node's own source maps, if loaded.
    const formatted = prepare ? siteIn(String(prepare(new Error(), [f]))) : undefined;
    site = formatted ?? mapToSource(file, line, column) ?? key;
    if (mapped.size >= 10_000) mapped.clear();
    mapped.set(key, site);
  }
  return site;
}

/** Generated position -> source position: the same ctx call sites repeat on every replay. */
const mapped = new Map<string, string>();

function siteIn(frameText: string): string | undefined {
  return /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?\s*$/.exec(frameText.trim())?.[1];
}

function mapToSource(file: string, line: number, column: number): string | undefined {
  const map = findSourceMap(file);
  const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined) return undefined;
  const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : entry.originalSource;
  return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
}
