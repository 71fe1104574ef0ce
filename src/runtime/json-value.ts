/** Checks and hashes for the JSON values that go into history. */
import { createHash } from 'node:crypto';
import { NonJsonValueError } from './errors.js';
import type { Json } from './history.js';
import { canonicalJson } from '../llm/canonical-json.js';

export { canonicalJson };

/**
 * Throws NonJsonValueError naming the first path that is not plain JSON
 * (functions, symbols, bigint, NaN, class instances such as Date or Map, cycles).
 */
export function assertJson(value: unknown, what: string): asserts value is Json {
  const problem = findNonJson(value, '$', new Set());
  if (problem) {
    throw new NonJsonValueError(
      `${what} must be a JSON value, but ${problem}. ` +
        'Convert it first (e.g. dates to ISO strings, Maps to objects); history stores JSON only.',
    );
  }
}

function findNonJson(value: unknown, path: string, seen: Set<object>): string | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is ${value}`;
    case 'undefined':
      return path === '$' ? null : `${path} is undefined`;
    case 'object': {
      if (seen.has(value)) return `${path} is a circular reference`;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = findNonJson(value[i], `${path}[${i}]`, seen);
          if (p) return p;
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          return `${path} is a ${(value as object).constructor?.name ?? 'non-plain'} object`;
        }
        for (const key of Object.keys(value)) {
          const v = (value as Record<string, unknown>)[key];
          if (v === undefined) continue; // dropped by JSON, like JSON.stringify does
          const p = findNonJson(v, `${path}.${key}`, seen);
          if (p) return p;
        }
      }
      seen.delete(value);
      return null;
    }
    default:
      return `${path} is a ${typeof value}`;
  }
}

/** Normalises a value to what a JSON round trip gives (drops undefined fields). */
export function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

/** A short, stable hash of a JSON value (first 16 hex chars of sha256). */
export function jsonHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
