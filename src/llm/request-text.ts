/** The text a request carries (system prompt, prompt and messages): what token estimates, mock matchers and error messages look at. */
import type { LlmRequest } from './provider.js';

export function requestText(r: LlmRequest): string {
  return [r.system, r.prompt, ...(r.messages ?? []).map((m) => m.content)].filter(Boolean).join('\n');
}
