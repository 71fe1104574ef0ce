/** `ctx.summarize(text, maxWords)`: a summary within a word limit. */
import { ctxOperation, requireText, withFeedback, type ParseResult } from './operation-spec.js';

export interface SummarizeArgs {
  text: string;
  maxWords: number;
}

const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);

export const summarizeSpec = ctxOperation({
  operation: 'summarize',
  ctx: {
    arity: 2,
    fromCall: (text: string, maxWords: number): SummarizeArgs => {
      if (!Number.isInteger(maxWords) || maxWords < 1) throw new TypeError('ctx.summarize(text, maxWords): maxWords must be an integer >= 1');
      return { text: requireText(text, 'summarize', 'text'), maxWords };
    },
  },
  hashInput: (a) => ({ text: a.text, maxWords: a.maxWords }),
  buildRequest: (a, _attempt, feedback) => ({
    system: `Summarize the text in at most ${a.maxWords} words. Answer with the summary only.`,
    prompt: withFeedback(a.text, feedback),
    maxTokens: Math.max(16, a.maxWords * 3),
  }),
  parse: (r, a): ParseResult<string> => {
    const w = words(r.text);
    if (w.length === 0) return { ok: false, feedback: 'the summary was empty.' };
    return w.length <= a.maxWords
      ? { ok: true, value: r.text.trim() }
      : { ok: false, feedback: `the summary had ${w.length} words; the limit is ${a.maxWords}.` };
  },
  maxAttempts: () => 2,
});
