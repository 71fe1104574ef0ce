/** The demo's LLM: a real provider when an API key is set, the scripted mock otherwise. */
import { AnthropicProvider, MockLlmProvider, OpenAIProvider, type LlmProvider } from '../src/index.js';

export async function demoLlmProvider(): Promise<{ provider: LlmProvider; description: string }> {
  if (process.env.OPENAI_API_KEY) {
    return { provider: new OpenAIProvider({ model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini' }), description: 'OpenAI (OPENAI_API_KEY is set)' };
  }
  if (process.env.ANTHROPIC_API_KEY) {
    return {
      provider: new AnthropicProvider({ model: process.env.ANTHROPIC_MODEL ?? 'claude-3-5-haiku-latest' }),
      description: 'Anthropic (ANTHROPIC_API_KEY is set)',
    };
  }
  // The mock answers like a model would; the orchestration normalises " Urgent." to "urgent".
  const mock = new MockLlmProvider([{ match: 'Classify the text', respond: ' Urgent.' }], { latencyMs: 20 });
  return { provider: mock, description: 'scripted mock (set OPENAI_API_KEY or ANTHROPIC_API_KEY to use a real model)' };
}
