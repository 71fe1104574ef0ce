/** Loads a provider SDK on first use, so each SDK stays an optional peer dependency. */
import { LlmProviderUnavailableError } from './errors.js';

const cache = new Map<string, Promise<unknown>>();

export function loadSdk<T>(pkg: string, provider: string): Promise<T> {
  let loading = cache.get(pkg);
  if (!loading) {
    loading = import(pkg).catch((err: unknown) => {
      cache.delete(pkg);
      throw new LlmProviderUnavailableError(
        `${provider} needs the "${pkg}" package, which could not be loaded (${(err as Error).message}). Install it: npm install ${pkg}`,
      );
    });
    cache.set(pkg, loading);
  }
  return loading as Promise<T>;
}

/** One SDK client per provider object, made from the SDK on the first request and reused after. */
export function lazyClient<Sdk, Client>(pkg: string, provider: string, make: (sdk: Sdk) => Client): () => Promise<Client> {
  let client: Promise<Client> | null = null;
  return () => (client ??= loadSdk<Sdk>(pkg, provider).then(make));
}
