/** A request as the chat message list that chat APIs take, in the order the model should read it. */
import type { LlmMessage, LlmRequest } from './provider.js';

/** System prompt first, then the conversation, then the prompt as the last user turn (OpenAI, Azure, Ollama). */
export function toChatMessages(r: LlmRequest): LlmMessage[] {
  const messages: LlmMessage[] = [];
  if (r.system) messages.push({ role: 'system', content: r.system });
  if (r.messages) messages.push(...r.messages);
  if (r.prompt !== undefined) messages.push({ role: 'user', content: r.prompt });
  return messages;
}

/** For APIs that take the system prompt apart from the turns (Anthropic): system messages are joined into it. */
export function toSystemAndTurns(r: LlmRequest): { system: string; turns: LlmMessage[] } {
  const messages = r.messages ?? [];
  return {
    system: [r.system, ...messages.filter((m) => m.role === 'system').map((m) => m.content)].filter(Boolean).join('\n\n'),
    turns: [...messages.filter((m) => m.role !== 'system'), ...(r.prompt !== undefined ? [{ role: 'user' as const, content: r.prompt }] : [])],
  };
}
