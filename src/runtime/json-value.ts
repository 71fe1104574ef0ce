/** Checks and hashes for the JSON values that go into history. */
import { NonJsonValueError, PayloadTooLargeError } from './errors.js';
import type { Json } from './history.js';
import { canonicalJson } from '../llm/canonical-json.js';

export { canonicalJson };
export { jsonHash } from './json-hash.js';

/** Deepest nesting a stored value may have: far beyond real data, well within every parser. */
export const MAX_JSON_DEPTH = 512;

/** Default size limit of one stored value (input, output, result, event data): 16 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/**
 * Throws NonJsonValueError naming the first path that is not plain JSON
 * (functions, symbols, bigint, NaN, class instances such as Date or Map, cycles, nesting
 * deeper than MAX_JSON_DEPTH).
 */
export function assertJson(value: unknown, what: string): asserts value is Json {
  const problem = findNonJson(value);
  if (problem) {
    throw new NonJsonValueError(
      `${what} must be a JSON value, but ${problem}. ` +
        'Convert it first (e.g. dates to ISO strings, Maps to objects); history stores JSON only.',
    );
  }
}

/** Recursion stops at MAX_JSON_DEPTH, so deep input never overflows the stack. */
function findNonJson(root: unknown): string | null {
  if (root === undefined) return null;
  return typeof root === 'object' && root !== null ? objectProblem(root, '$', 0, new Set()) : scalarProblem(root, '$');
}

/** null for a valid scalar, a message otherwise. */
function scalarProblem(value: unknown, path: string): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is ${value}`;
    case 'undefined':
      return `${path} is undefined`;
    default:
      return value === null ? null : `${path} is a ${typeof value}`;
  }
}

function objectProblem(obj: object, path: string, depth: number, open: Set<object>): string | null {
  if (open.has(obj)) return `${path} is a circular reference`;
  if (depth >= MAX_JSON_DEPTH) return `${path} is nested deeper than ${MAX_JSON_DEPTH} levels`;
  const isArray = Array.isArray(obj);
  if (!isArray) {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return `${path} is a ${obj.constructor?.name ?? 'non-plain'} object`;
  }
  open.add(obj);
  const check = (v: unknown, p: string) => (typeof v === 'object' && v !== null ? objectProblem(v, p, depth + 1, open) : scalarProblem(v, p));
  let problem: string | null = null;
  if (isArray) {
    for (let i = 0; i < obj.length && !problem; i++) problem = check(obj[i], `${path}[${i}]`);
  } else {
    for (const key of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[key];
      if (v !== undefined) problem = check(v, `${path}.${key}`); // undefined fields are dropped, like JSON.stringify does
      if (problem) break;
    }
  }
  open.delete(obj);
  return problem;
}

/** Normalises a value to what a JSON round trip gives (drops undefined fields). */
export function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

/**
 * Checks a value bound for history (plain JSON, not too deep, at most `maxBytes` as UTF-8 JSON)
 * and returns its JSON round trip. Throws NonJsonValueError or PayloadTooLargeError.
 */
export function checkedJson(value: unknown, what: string, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): Json {
  assertJson(value, what);
  if (value === undefined) return null;
  // A number, boolean or null is its own round trip (and far below any size limit).
  if (typeof value !== 'object' && typeof value !== 'string') return value as Json;
  if (value === null) return null;
  const text = JSON.stringify(value);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only when it can matter.
  const bytes = text.length * 3 > maxBytes ? Buffer.byteLength(text) : text.length;
  if (bytes > maxBytes) {
    throw new PayloadTooLargeError(
      `${what} is ${formatBytes(bytes)} as JSON, over the limit of ${formatBytes(maxBytes)} per stored value. ` +
        'Keep large data outside history (a file or blob store) and pass a reference, or raise maxPayloadBytes.',
    );
  }
  return JSON.parse(text) as Json;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

/**
 * A deep copy of a value already known to be plain JSON (history events, messages): several
 * times faster than structuredClone for the small objects a store copies on every call.
 * `undefined` fields are dropped, as a JSON round trip would.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = cloneJson(v);
  }
  return out as T;
}

/**
 * About the length of `JSON.stringify(value)` (exact for ASCII without escapes), without
 * building the string: the execution cache charges every event it holds.
 */
export function jsonLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
      return String(value).length;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let n = 2 + Math.max(0, value.length - 1);
        for (const v of value) n += v === undefined ? 4 : jsonLength(v);
        return n;
      }
      let n = 2;
      let fields = 0;
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        n += key.length + 3 + jsonLength(v);
        fields++;
      }
      return n + Math.max(0, fields - 1);
    }
    default:
      return 0;
  }
}
