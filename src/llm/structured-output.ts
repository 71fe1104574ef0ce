/**
 * Structured output always ends here: parse JSON out of the answer (fences and prose
 * tolerated) and validate it against the JSON Schema, even when the provider promised to
 * follow the schema.
 */
import { compileSchema, parseJsonLoose, type SchemaLike } from './json-schema.js';

export type StructuredResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function parseStructured<T>(text: string, schema: SchemaLike): StructuredResult<T> {
  const value = parseJsonLoose(text);
  if (value === undefined) return { ok: false, errors: ['the answer contains no JSON value'] };
  const check = compileSchema(schema, 'the response schema')(value);
  return check.valid ? { ok: true, value: value as T } : { ok: false, errors: check.errors };
}
