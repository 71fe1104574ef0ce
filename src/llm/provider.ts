/**
 * The LLM provider spec: one `complete` call with plain request/response objects.
 * Operations such as `classify` are built once on top of it (src/llm/operations), never
 * per provider. This module knows nothing about orchestrations.
 */

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A JSON Schema object (draft 2020-12 / draft-07 subset that providers understand). */
export type JsonSchema = { [key: string]: unknown };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json'; schema?: JsonSchema; schemaName?: string };

export interface LlmRequest {
  system?: string;
  /** A single user prompt; or give `messages` for a conversation. */
  prompt?: string;
  messages?: LlmMessage[];
  /** Overrides the provider's default model for this call. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  responseFormat?: ResponseFormat;
  /** Per-request timeout; the provider aborts and throws `LlmTimeoutError` past it. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Called right before each network attempt (by ReliableProvider); throwing skips the
   * attempt. The runtime uses it to re-check its lease, so a paused worker never sends.
   */
  beforeAttempt?: () => Promise<void>;
}

export interface LlmResponse {
  text: string;
  usage: { input: number; output: number };
  model: string;
  finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'refusal' | 'other';
}

export interface LlmProvider {
  /** Stable name recorded in history (`openai`, `anthropic`, `mock`, …). */
  readonly name: string;
  /** Default model. */
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmResponse>;
}
