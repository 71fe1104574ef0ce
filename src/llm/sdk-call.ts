/** One SDK call with the request's abort signal and timeout; whatever it throws becomes a typed LLM error without secrets. */
import { toLlmError } from './http-error.js';
import type { LlmRequest } from './provider.js';

/** The per-request options the OpenAI and Anthropic SDKs share. */
export interface SdkTransport {
  signal?: AbortSignal;
  timeout?: number;
}

export async function callSdk<T>(
  request: LlmRequest,
  provider: string,
  secrets: (string | undefined)[],
  send: (transport: SdkTransport) => Promise<T>,
): Promise<T> {
  const transport: SdkTransport = {
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs } : {}),
  };
  try {
    return await send(transport);
  } catch (err) {
    throw toLlmError(err, provider, secrets);
  }
}
