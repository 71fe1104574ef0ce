/** `ctx.sentiment(text)`: `{ label: 'positive' | 'negative' | 'neutral', confidence }`. */
import { parseStructured } from '../structured-output.js';
import { matchLabel } from './classify.js';
import { ctxOperation, requireText, withFeedback, type ParseResult } from './operation-spec.js';

export interface SentimentArgs {
  text: string;
}
export interface Sentiment {
  label: 'positive' | 'negative' | 'neutral';
  confidence: number;
}

const LABELS = ['positive', 'negative', 'neutral'] as const;
const schema = {
  type: 'object',
  properties: { label: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['label', 'confidence'],
};

export const sentimentSpec = ctxOperation({
  operation: 'sentiment',
  ctx: { arity: 1, fromCall: (text: string): SentimentArgs => ({ text: requireText(text, 'sentiment', 'text') }) },
  hashInput: (a) => ({ text: a.text }),
  buildRequest: (a, _attempt, feedback) => ({
    system: 'Rate the sentiment of the text. Answer with JSON: {"label": "positive" | "negative" | "neutral", "confidence": number between 0 and 1}.',
    prompt: withFeedback(a.text, feedback),
    responseFormat: { type: 'json', schema, schemaName: 'sentiment' },
    temperature: 0,
  }),
  parse: (r): ParseResult<Sentiment> => {
    const result = parseStructured<{ label: string; confidence: number }>(r.text, schema);
    if (!result.ok) return { ok: false, feedback: `${result.errors.join('; ')}.` };
    const label = matchLabel(result.value.label, LABELS);
    if (!label) return { ok: false, feedback: `label "${result.value.label}" is not positive, negative or neutral.` };
    return { ok: true, value: { label, confidence: result.value.confidence } };
  },
  maxAttempts: () => 3,
});
