/**
 * Anthropic through the official `@anthropic-ai/sdk`, loaded lazily. Structured output uses a
 * forced tool whose input schema is the requested schema; the tool input is the answer.
 */
import { LlmRefusalError } from './errors.js';
import { toLlmError } from './http-error.js';
import { loadSdk } from './load-sdk.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';

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
  private client: Promise<MessagesClient> | null = null;
  private readonly apiKey: string | undefined;

  constructor(private readonly opts: AnthropicProviderOptions = {}) {
    this.model = opts.model ?? 'claude-3-5-haiku-latest';
    this.apiKey = opts.apiKey ?? process.env.ANTHROPIC_API_KEY;
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const client = await (this.client ??= loadSdk<AnthropicModule>('@anthropic-ai/sdk', 'AnthropicProvider').then(
      (sdk) => new sdk.default({ apiKey: this.apiKey ?? 'missing-key', maxRetries: 0, ...(this.opts.baseURL ? { baseURL: this.opts.baseURL } : {}) }),
    ));
    const messages = [...(request.messages ?? []).filter((m) => m.role !== 'system'), ...(request.prompt !== undefined ? [{ role: 'user', content: request.prompt }] : [])];
    const system = [request.system, ...(request.messages ?? []).filter((m) => m.role === 'system').map((m) => m.content)].filter(Boolean).join('\n\n');
    const body: Record<string, unknown> = {
      model: request.model ?? this.model,
      max_tokens: request.maxTokens ?? this.opts.defaultMaxTokens ?? 1024,
      messages,
    };
    if (system) body.system = system;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    const format = request.responseFormat;
    const toolName = format?.type === 'json' ? (format.schemaName ?? 'respond').replace(/[^a-zA-Z0-9_-]/g, '_') : undefined;
    if (format?.type === 'json' && toolName) {
      body.tools = [{ name: toolName, description: 'Give the answer as this tool input.', input_schema: format.schema ?? { type: 'object' } }];
      body.tool_choice = { type: 'tool', name: toolName };
    }
    let message: any;
    try {
      message = await client.messages.create(body, {
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs } : {}),
      });
    } catch (err) {
      throw toLlmError(err, this.name, [this.apiKey]);
    }
    if (message.stop_reason === 'refusal') throw new LlmRefusalError(`${this.name}: the model refused to answer`);
    const blocks: any[] = message.content ?? [];
    const tool = blocks.find((b) => b.type === 'tool_use');
    const text = tool ? JSON.stringify(tool.input) : blocks.filter((b) => b.type === 'text').map((b) => b.text).join('');
    if (!text.trim()) throw new LlmRefusalError(`${this.name}: the model returned an empty answer (stop reason ${message.stop_reason ?? 'unknown'})`);
    return {
      text,
      model: message.model ?? body.model,
      usage: { input: message.usage?.input_tokens ?? 0, output: message.usage?.output_tokens ?? 0 },
      finishReason: message.stop_reason === 'max_tokens' ? 'length' : message.stop_reason === 'tool_use' ? 'tool_calls' : 'stop',
    };
  }
}
