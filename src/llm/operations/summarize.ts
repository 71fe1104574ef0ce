/** `ctx.summarize(text, maxWords)`: a summary within a word limit. */
import { withFeedback, type OperationSpec } from './operation-spec.js';

export interface SummarizeArgs {
  text: string;
  maxWords: number;
}

const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);

export const summarizeSpec: OperationSpec<SummarizeArgs, string> = {
  operation: 'summarize',
  hashInput: (a) => ({ text: a.text, maxWords: a.maxWords }),
  buildRequest: (a, _attempt, feedback) => ({
    system: `Summarize the text in at most ${a.maxWords} words. Answer with the summary only.`,
    prompt: withFeedback(a.text, feedback),
    maxTokens: Math.max(16, a.maxWords * 3),
  }),
  parse: (r, a) => {
    const w = words(r.text);
    if (w.length === 0) return { ok: false, feedback: 'the summary was empty.' };
    return w.length <= a.maxWords
      ? { ok: true, value: r.text.trim() }
      : { ok: false, feedback: `the summary had ${w.length} words; the limit is ${a.maxWords}.` };
  },
  maxAttempts: () => 2,
};
