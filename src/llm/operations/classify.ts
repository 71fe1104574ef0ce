/** `ctx.classify(text, categories)`: exactly one of the given labels, never anything else. */
import { withFeedback, type OperationSpec } from './operation-spec.js';

export interface ClassifyArgs<L extends string = string> {
  text: string;
  categories: readonly L[];
}

const simplify = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Maps answers such as "POSITIVE." or " Positive" to the listed label; undefined otherwise. */
export function matchLabel<L extends string>(answer: string, categories: readonly L[]): L | undefined {
  const a = simplify(answer);
  const exact = categories.find((c) => simplify(c) === a);
  if (exact) return exact;
  // "The category is: urgent" — accept when exactly one label appears as whole words.
  const found = categories.filter((c) => new RegExp(`(^| )${simplify(c).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`).test(a));
  return found.length === 1 ? found[0] : undefined;
}

export function validateCategories(categories: readonly string[]): void {
  if (!Array.isArray(categories) || categories.length === 0) throw new TypeError('ctx.classify(text, categories): give at least one category');
  const simple = categories.map(simplify);
  if (new Set(simple).size !== simple.length) throw new TypeError(`ctx.classify: categories must be distinct (got ${categories.join(', ')})`);
}

export const classifySpec: OperationSpec<ClassifyArgs, string> = {
  operation: 'classify',
  hashInput: (a) => ({ text: a.text, categories: [...a.categories] }),
  buildRequest: (a, _attempt, feedback) => ({
    system: `Classify the text into exactly one of these categories: ${a.categories.join(', ')}. Answer with the category name only.`,
    prompt: withFeedback(a.text, feedback),
    maxTokens: 20,
    temperature: 0,
  }),
  parse: (r, a) => {
    const label = matchLabel(r.text, a.categories);
    return label !== undefined
      ? { ok: true, value: label }
      : { ok: false, feedback: `"${r.text.trim().slice(0, 60)}" is not one of the allowed labels: ${a.categories.join(', ')}. Answer with exactly one of them.` };
  },
  maxAttempts: () => 3,
};
