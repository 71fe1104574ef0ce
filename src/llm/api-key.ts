/** API keys come from the options or the environment, checked when a provider is created. */
import { LlmConfigurationError } from './errors.js';

/**
 * The API key from the options or the environment, or LlmConfigurationError naming both, at
 * creation time rather than as a 401 at the first call.
 */
export function requireApiKey(provider: string, given: string | undefined, envVar: string): string {
  const key = given ?? process.env[envVar];
  if (!key) {
    throw new LlmConfigurationError(
      `${provider} needs an API key: pass { apiKey } or set ${envVar}. (For tests without a network, use MockLlmProvider.)`,
    );
  }
  return key;
}
