/** `ctx.ifTrue(question)`: a yes/no decision as a boolean. */
import { ctxOperation, requireText, withFeedback, type ParseResult } from './operation-spec.js';

export interface IfTrueArgs {
  question: string;
}

const TRUE = /^(true|yes|y|correct|affirmative)$/;
const FALSE = /^(false|no|n|incorrect|negative)$/;

export function parseBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase().replace(/^[^a-z]+|[^a-z]+$/g, '').split(/[^a-z]+/)[0] ?? '';
  if (TRUE.test(word)) return true;
  if (FALSE.test(word)) return false;
  return undefined;
}

export const ifTrueSpec = ctxOperation({
  operation: 'ifTrue',
  ctx: { arity: 1, fromCall: (question: string): IfTrueArgs => ({ question: requireText(question, 'ifTrue', 'question') }) },
  hashInput: (a) => ({ question: a.question }),
  buildRequest: (a, _attempt, feedback) => ({
    system: 'Decide whether the statement or question is true. Answer with exactly one word: true or false.',
    prompt: withFeedback(a.question, feedback),
    maxTokens: 5,
    temperature: 0,
  }),
  parse: (r): ParseResult<boolean> => {
    const value = parseBoolean(r.text);
    return value === undefined ? { ok: false, feedback: `"${r.text.trim().slice(0, 60)}" is neither true nor false. Answer true or false.` } : { ok: true, value };
  },
  maxAttempts: () => 3,
});
