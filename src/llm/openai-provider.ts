/**
 * OpenAI (and Azure OpenAI) through the official `openai` SDK (v6 or v7), loaded lazily.
 * JSON with a schema uses native `json_schema` structured output; the answer is still parsed
 * and validated by the operation. The SDK's own retries are off: ours are exact.
 */
import { toChatMessages } from './chat-messages.js';
import { requireAnswer } from './empty-answer.js';
import { requireApiKey } from './api-key.js';
import { LlmConfigurationError, LlmRefusalError } from './errors.js';
import { lazyClient } from './load-sdk.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';
import { callSdk } from './sdk-call.js';

export interface OpenAIProviderOptions {
  /** Default: env OPENAI_API_KEY. */
  apiKey?: string;
  baseURL?: string;
  organization?: string;
  /** Default model (default `gpt-4o-mini`). */
  model?: string;
}

export interface AzureOpenAIProviderOptions {
  /** Default: env AZURE_OPENAI_ENDPOINT, e.g. https://my-resource.openai.azure.com */
  endpoint?: string;
  /** Default: env AZURE_OPENAI_DEPLOYMENT. */
  deployment?: string;
  /** Default: env AZURE_OPENAI_API_VERSION, else 2024-10-21. */
  apiVersion?: string;
  /** Default: env AZURE_OPENAI_API_KEY. */
  apiKey?: string;
}

type ChatClient = { chat: { completions: { create(body: unknown, opts?: unknown): Promise<any> } } };
type OpenAIModule = {
  default: new (opts: Record<string, unknown>) => ChatClient;
  AzureOpenAI: new (opts: Record<string, unknown>) => ChatClient;
};

/** JSON Schema that OpenAI's strict mode accepts: every object closed, every property required. */
function isStrictCompatible(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties) {
    const props = Object.keys((s.properties as object) ?? {});
    const required = (s.required as string[]) ?? [];
    if (s.additionalProperties !== false || props.some((p) => !required.includes(p))) return false;
  }
  return Object.values(s).every((v) => (Array.isArray(v) ? v.every(isStrictCompatible) : isStrictCompatible(v)));
}

/** The Chat Completions wire format, shared by OpenAI and Azure OpenAI (one SDK, two clients). */
class ChatCompletionsProvider implements LlmProvider {
  private readonly client: () => Promise<ChatClient>;

  constructor(
    readonly name: string,
    readonly model: string,
    makeClient: (sdk: OpenAIModule) => ChatClient,
    private readonly secret: string | undefined,
  ) {
    this.client = lazyClient('openai', name, makeClient);
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const client = await this.client();
    const body = this.requestBody(request);
    const completion = await callSdk(request, this.name, [this.secret], (transport) => client.chat.completions.create(body, transport));
    const choice = completion.choices?.[0];
    const message = choice?.message ?? {};
    if (message.refusal) throw new LlmRefusalError(`${this.name}: the model refused: ${String(message.refusal).slice(0, 200)}`);
    const text = requireAnswer(this.name, message.content ?? '', `finish reason ${choice?.finish_reason ?? 'unknown'}`);
    return {
      text,
      model: completion.model ?? body.model,
      usage: { input: completion.usage?.prompt_tokens ?? 0, output: completion.usage?.completion_tokens ?? 0 },
      finishReason: finishReason(choice?.finish_reason),
    };
  }

  private requestBody(request: LlmRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { model: request.model ?? this.model, messages: toChatMessages(request) };
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.seed !== undefined) body.seed = request.seed;
    const format = request.responseFormat;
    if (format?.type === 'json') {
      body.response_format = format.schema
        ? { type: 'json_schema', json_schema: { name: format.schemaName ?? 'response', schema: format.schema, strict: isStrictCompatible(format.schema) } }
        : { type: 'json_object' };
    }
    return body;
  }
}

function finishReason(reason: string | undefined): LlmResponse['finishReason'] {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return reason;
    default:
      return 'other';
  }
}

export class OpenAIProvider extends ChatCompletionsProvider {
  constructor(opts: OpenAIProviderOptions = {}) {
    const apiKey = requireApiKey('OpenAIProvider', opts.apiKey, 'OPENAI_API_KEY');
    super(
      'openai',
      opts.model ?? 'gpt-4o-mini',
      (sdk) =>
        new sdk.default({
          apiKey,
          maxRetries: 0,
          ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
          ...(opts.organization ? { organization: opts.organization } : {}),
        }),
      apiKey,
    );
  }
}

export class AzureOpenAIProvider extends ChatCompletionsProvider {
  constructor(opts: AzureOpenAIProviderOptions = {}) {
    const deployment = opts.deployment ?? process.env.AZURE_OPENAI_DEPLOYMENT;
    const endpoint = opts.endpoint ?? process.env.AZURE_OPENAI_ENDPOINT;
    if (!deployment || !endpoint) {
      throw new LlmConfigurationError(
        'AzureOpenAIProvider needs an endpoint and a deployment: pass { endpoint, deployment } or set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT.',
      );
    }
    const apiKey = requireApiKey('AzureOpenAIProvider', opts.apiKey, 'AZURE_OPENAI_API_KEY');
    super(
      'azure-openai',
      deployment,
      (sdk) =>
        new sdk.AzureOpenAI({
          endpoint,
          deployment,
          apiVersion: opts.apiVersion ?? process.env.AZURE_OPENAI_API_VERSION ?? '2024-10-21',
          apiKey,
          maxRetries: 0,
        }),
      apiKey,
    );
  }
}
