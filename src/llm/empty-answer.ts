/** An answer with no text is a refusal, whatever the provider says: the operation has nothing to parse. */
import { LlmRefusalError } from './errors.js';

/** Returns `text`, or throws LlmRefusalError when it is blank; `detail` says why the provider stopped. */
export function requireAnswer(provider: string, text: string, detail?: string): string {
  if (!text.trim()) throw new LlmRefusalError(`${provider}: the model returned an empty answer${detail ? ` (${detail})` : ''}`);
  return text;
}
