/**
 * Ollama through the official `ollama` package, loaded lazily: `/api/chat` with
 * `format: <schema>` for structured output. Each request gets its own abortable fetch.
 */
import { toChatMessages } from './chat-messages.js';
import { requireAnswer } from './empty-answer.js';
import { toLlmError } from './http-error.js';
import { loadSdk } from './load-sdk.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';

export interface OllamaProviderOptions {
  /** Default: env OLLAMA_HOST, else http://127.0.0.1:11434 */
  host?: string;
  /** Default model (default `llama3.2`). */
  model?: string;
}

type OllamaClient = { chat(body: unknown): Promise<any> };
type OllamaModule = { Ollama: new (opts: { host: string; fetch?: typeof fetch }) => OllamaClient };

export class OllamaProvider implements LlmProvider {
  readonly name = 'ollama';
  readonly model: string;
  private readonly host: string;

  constructor(opts: OllamaProviderOptions = {}) {
    this.model = opts.model ?? 'llama3.2';
    this.host = opts.host ?? process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434';
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const sdk = await loadSdk<OllamaModule>('ollama', 'OllamaProvider');
    const signals = [request.signal, request.timeoutMs !== undefined ? AbortSignal.timeout(request.timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = signals.length ? AbortSignal.any(signals) : undefined;
    // The SDK's errors drop response headers; keep them so retry-after is honoured.
    let failedHeaders: Headers | undefined;
    const client = new sdk.Ollama({
      host: this.host,
      fetch: async (input, init) => {
        const res = await fetch(input, { ...init, ...(signal ? { signal } : {}) });
        if (!res.ok) failedHeaders = res.headers;
        return res;
      },
    });
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.seed !== undefined) options.seed = request.seed;
    if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
    const format = request.responseFormat;
    let res: any;
    try {
      res = await client.chat({
        model: request.model ?? this.model,
        messages: toChatMessages(request),
        stream: false,
        ...(format?.type === 'json' ? { format: format.schema ?? 'json' } : {}),
        ...(Object.keys(options).length ? { options } : {}),
      });
    } catch (err) {
      if (signal?.aborted && (err as Error).name !== 'AbortError') Object.assign(err as Error, { name: 'AbortError' });
      if (failedHeaders) Object.assign(err as object, { headers: failedHeaders });
      throw toLlmError(err, this.name);
    }
    return {
      text: requireAnswer(this.name, res.message?.content ?? ''),
      model: res.model ?? request.model ?? this.model,
      usage: { input: res.prompt_eval_count ?? 0, output: res.eval_count ?? 0 },
      finishReason: res.done_reason === 'length' ? 'length' : 'stop',
    };
  }
}
