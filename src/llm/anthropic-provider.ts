/**
 * Anthropic through the official `@anthropic-ai/sdk`, loaded lazily. Structured output uses a
 * forced tool whose input schema is the requested schema; the tool input is the answer.
 */
import { requireApiKey } from './api-key.js';
import { toSystemAndTurns } from './chat-messages.js';
import { requireAnswer } from './empty-answer.js';
import { LlmRefusalError } from './errors.js';
import { lazyClient } from './load-sdk.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';
import { callSdk } from './sdk-call.js';

export interface AnthropicProviderOptions {
  /** Default: env ANTHROPIC_API_KEY. */
  apiKey?: string;
  baseURL?: string;
  /** Default model (default `claude-3-5-haiku-latest`). */
  model?: string;
  /** max_tokens is required by the API; used when a request sets none (default 1024). */
  defaultMaxTokens?: number;
}

type MessagesClient = { messages: { create(body: unknown, opts?: unknown): Promise<any> } };
type AnthropicModule = { default: new (opts: Record<string, unknown>) => MessagesClient };

export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly model: string;
  private readonly client: () => Promise<MessagesClient>;
  private readonly apiKey: string | undefined;

  constructor(private readonly opts: AnthropicProviderOptions = {}) {
    this.model = opts.model ?? 'claude-3-5-haiku-latest';
    this.apiKey = requireApiKey('AnthropicProvider', opts.apiKey, 'ANTHROPIC_API_KEY');
    this.client = lazyClient<AnthropicModule, MessagesClient>(
      '@anthropic-ai/sdk',
      'AnthropicProvider',
      (sdk) => new sdk.default({ apiKey: this.apiKey, maxRetries: 0, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}) }),
    );
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const client = await this.client();
    const body = this.requestBody(request);
    const message = await callSdk(request, this.name, [this.apiKey], (transport) => client.messages.create(body, transport));
    if (message.stop_reason === 'refusal') throw new LlmRefusalError(`${this.name}: the model refused to answer`);
    const blocks: any[] = message.content ?? [];
    const tool = blocks.find((b) => b.type === 'tool_use');
    const text = tool ? JSON.stringify(tool.input) : blocks.filter((b) => b.type === 'text').map((b) => b.text).join('');
    return {
      text: requireAnswer(this.name, text, `stop reason ${message.stop_reason ?? 'unknown'}`),
      model: message.model ?? body.model,
      usage: { input: message.usage?.input_tokens ?? 0, output: message.usage?.output_tokens ?? 0 },
      finishReason: message.stop_reason === 'max_tokens' ? 'length' : message.stop_reason === 'tool_use' ? 'tool_calls' : 'stop',
    };
  }

  /** Structured output is a forced tool whose input schema is the requested schema. */
  private requestBody(request: LlmRequest): Record<string, unknown> {
    const { system, turns } = toSystemAndTurns(request);
    const body: Record<string, unknown> = {
      model: request.model ?? this.model,
      max_tokens: request.maxTokens ?? this.opts.defaultMaxTokens ?? 1024,
      messages: turns,
    };
    if (system) body.system = system;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    const format = request.responseFormat;
    const toolName = format?.type === 'json' ? (format.schemaName ?? 'respond').replace(/[^a-zA-Z0-9_-]/g, '_') : undefined;
    if (format?.type === 'json' && toolName) {
      body.tools = [{ name: toolName, description: 'Give the answer as this tool input.', input_schema: format.schema ?? { type: 'object' } }];
      body.tool_choice = { type: 'tool', name: toolName };
    }
    return body;
  }
}
