/** `ctx.generateStructured(prompt, schema)`: JSON validated against a JSON Schema (or zod). */
import { toJsonSchema, type SchemaLike } from '../json-schema.js';
import { parseStructured } from '../structured-output.js';
import { withFeedback, type OperationSpec } from './operation-spec.js';

export interface StructuredArgs {
  prompt: string;
  schema: SchemaLike;
  schemaName?: string;
}

export const generateStructuredSpec: OperationSpec<StructuredArgs, unknown> = {
  operation: 'generateStructured',
  hashInput: (a) => ({ prompt: a.prompt, schema: toJsonSchema(a.schema) }),
  buildRequest: (a, _attempt, feedback) => {
    const schema = toJsonSchema(a.schema);
    return {
      system: `Answer with a single JSON value that matches this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`,
      prompt: withFeedback(a.prompt, feedback),
      responseFormat: { type: 'json', schema, schemaName: a.schemaName ?? 'response' },
    };
  },
  parse: (r, a) => {
    const result = parseStructured(r.text, a.schema);
    return result.ok ? result : { ok: false, feedback: `it did not match the schema (${result.errors.join('; ')}). Reply with JSON only.` };
  },
  maxAttempts: () => 3,
};
