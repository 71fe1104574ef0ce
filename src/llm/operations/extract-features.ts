/** `ctx.extractFeatures(text, features)`: named values pulled out of text, as strings. */
import { parseStructured } from '../structured-output.js';
import { ctxOperation, requireText, withFeedback, type ParseResult } from './operation-spec.js';

export interface ExtractArgs {
  text: string;
  features: readonly string[];
}

function schemaFor(features: readonly string[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(features.map((f) => [f, { type: ['string', 'number', 'boolean', 'null'] }])),
    required: [...features],
  };
}

export const extractFeaturesSpec = ctxOperation({
  operation: 'extractFeatures',
  ctx: {
    arity: 2,
    fromCall: (text: string, features: readonly string[]): ExtractArgs => {
      if (!Array.isArray(features) || features.length === 0) throw new TypeError('ctx.extractFeatures(text, features): give at least one feature name');
      return { text: requireText(text, 'extractFeatures', 'text'), features };
    },
  },
  hashInput: (a) => ({ text: a.text, features: [...a.features] }),
  buildRequest: (a, _attempt, feedback) => ({
    system: `Extract these features from the text: ${a.features.join(', ')}. Answer with a JSON object with exactly those keys; use an empty string when a feature is absent.`,
    prompt: withFeedback(a.text, feedback),
    responseFormat: { type: 'json', schema: schemaFor(a.features), schemaName: 'features' },
    temperature: 0,
  }),
  parse: (r, a): ParseResult<Record<string, string>> => {
    const result = parseStructured<Record<string, unknown>>(r.text, schemaFor(a.features));
    if (!result.ok) return { ok: false, feedback: `${result.errors.join('; ')}. Reply with a JSON object with the keys ${a.features.join(', ')}.` };
    const value: Record<string, string> = {};
    for (const f of a.features) value[f] = result.value[f] === null || result.value[f] === undefined ? '' : String(result.value[f]);
    return { ok: true, value };
  },
  maxAttempts: () => 3,
});
