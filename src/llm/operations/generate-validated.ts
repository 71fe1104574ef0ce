/**
 * `ctx.generateValidated(prompt, validator, maxAttempts)`: re-asks with the validator's message.
 * The options form, `ctx.generateValidated<T>(prompt, { validate, schema, maxAttempts })`, parses
 * the answer as JSON against `schema` first (an answer that does not parse or match is re-asked
 * like a rejected one) and hands the validator the typed value.
 */
import { toJsonSchema, type SchemaLike } from '../json-schema.js';
import { parseStructured } from '../structured-output.js';
import { withFeedback, type OperationSpec } from './operation-spec.js';

export interface ValidatedArgs {
  prompt: string;
  system?: string;
  maxAttempts: number;
  /** When set, the answer is JSON that must match it; the value is the parsed JSON. */
  schema?: SchemaLike;
}

/** A validator returns true to accept, or a message saying what to fix. */
export type Validator<T> = (value: T) => true | string | Promise<true | string>;
export type TextValidator = Validator<string>;

/** The options form of `ctx.generateValidated<T>(prompt, options, callOptions?)`. */
export interface ValidatedOptions<T> {
  /** Checks the (parsed) answer: true accepts it, a message is sent back to the model. */
  validate?: Validator<T>;
  /** JSON Schema or zod schema the answer must match; without it the value is the text. */
  schema?: SchemaLike;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  system?: string;
}

export const generateValidatedSpec: OperationSpec<ValidatedArgs, unknown> = {
  operation: 'generateValidated',
  // Without a schema the hash is the text form's, so both forms replay each other's histories.
  hashInput: (a) => ({ prompt: a.prompt, system: a.system ?? null, maxAttempts: a.maxAttempts, ...(a.schema !== undefined ? { schema: toJsonSchema(a.schema) } : {}) }),
  buildRequest: (a, _attempt, feedback) => {
    if (a.schema === undefined) return { prompt: withFeedback(a.prompt, feedback), ...(a.system !== undefined ? { system: a.system } : {}) };
    const schema = toJsonSchema(a.schema);
    return {
      system: [a.system, `Answer with a single JSON value that matches this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`].filter(Boolean).join('\n\n'),
      prompt: withFeedback(a.prompt, feedback),
      responseFormat: { type: 'json', schema, schemaName: 'response' },
    };
  },
  // The caller's validator runs in the orchestration (see parseValidated); this only parses.
  parse: (r, a) => parseValidated(r.text, a),
  maxAttempts: (a) => a.maxAttempts,
};

/** The answer as the validator sees it: the text, or the JSON value matching the schema. */
export function parseValidated(text: string, a: ValidatedArgs): { ok: true; value: unknown } | { ok: false; feedback: string } {
  if (a.schema === undefined) return { ok: true, value: text };
  const result = parseStructured(text, a.schema);
  return result.ok ? result : { ok: false, feedback: `it did not match the schema (${result.errors.join('; ')}). Reply with JSON only.` };
}
