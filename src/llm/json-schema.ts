/**
 * JSON Schema helpers shared by structured LLM output and tool parameters:
 * accept JSON Schema or zod 4 schemas, validate with ajv, parse JSON out of model prose.
 */
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DuroxideError } from '../duroxide-error.js';

export type JsonSchemaObject = { [key: string]: unknown };

/** A JSON Schema object or a zod 4 schema (anything with zod's `_zod` marker). */
export type SchemaLike = JsonSchemaObject | { _zod: unknown };

export class InvalidSchemaError extends DuroxideError {
  constructor(what: string, detail: string) {
    super(`${what} is not a valid JSON Schema: ${detail}. Pass a JSON Schema object or a zod 4 schema.`);
  }
}

export function isZodSchema(schema: unknown): schema is { _zod: unknown } {
  return typeof schema === 'object' && schema !== null && '_zod' in schema;
}

const requireFromHere = createRequire(import.meta.url);

/** Converts a zod 4 schema to JSON Schema; JSON Schema objects pass through unchanged. */
export function toJsonSchema(schema: SchemaLike): JsonSchemaObject {
  if (!isZodSchema(schema)) return schema;
  let zod: { toJSONSchema?: (s: unknown, o?: unknown) => JsonSchemaObject };
  try {
    zod = requireFromHere('zod') as typeof zod;
  } catch {
    throw new Error('A zod schema was given but the "zod" package cannot be loaded. Install zod@^4.');
  }
  if (typeof zod.toJSONSchema !== 'function') {
    throw new Error('zod schemas need zod 4 (z.toJSONSchema). Upgrade with: npm install zod@^4');
  }
  const json = zod.toJSONSchema(schema, { unrepresentable: 'any' });
  delete json.$schema;
  return json;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

export interface SchemaValidation {
  valid: boolean;
  /** One readable line per problem, e.g. `/age must be integer`. */
  errors: string[];
}

function formatError(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
  return `${at} ${e.message ?? 'is invalid'}${extra}`;
}

/** Compiles (once per schema object) and returns a validator; throws InvalidSchemaError. */
export function compileSchema(schema: SchemaLike, what = 'schema'): (value: unknown) => SchemaValidation {
  const json = toJsonSchema(schema);
  let fn = compiled.get(json);
  if (!fn) {
    try {
      fn = ajv.compile(json);
    } catch (err) {
      throw new InvalidSchemaError(what, (err as Error).message);
    }
    compiled.set(json, fn);
  }
  const validate = fn;
  return (value: unknown) => {
    const valid = validate(value) as boolean;
    return { valid, errors: valid ? [] : (validate.errors ?? []).map(formatError) };
  };
}

/** Throws InvalidSchemaError when `schema` cannot be compiled. */
export function assertValidSchema(schema: SchemaLike, what: string): void {
  compileSchema(schema, what);
}

/**
 * Parses JSON from a model answer, tolerating code fences and prose around it.
 * Returns `undefined` when no JSON value can be found.
 */
export function parseJsonLoose(text: string): unknown {
  const trimmed = text.trim();
  const direct = tryParse(trimmed);
  if (direct.ok) return direct.value;
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(trimmed);
  if (fence) {
    const fenced = tryParse(fence[1].trim());
    if (fenced.ok) return fenced.value;
  }
  for (const [open, close] of [['{', '}'], ['[', ']']] as const) {
    const start = trimmed.indexOf(open);
    const end = trimmed.lastIndexOf(close);
    if (start !== -1 && end > start) {
      const inner = tryParse(trimmed.slice(start, end + 1));
      if (inner.ok) return inner.value;
    }
  }
  return undefined;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
