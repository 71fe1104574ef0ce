/**
 * API keys never leave the provider: every error of a failed call (401, 400 echoing the key,
 * 500, timeout, connection refused) is byte-searched for the key as it is printed
 * (util.inspect, console), serialised (JSON.stringify), logged by the runtime, and stored in
 * history and the SQLite file.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../src/llm/anthropic-provider.js';
import { AzureOpenAIProvider, OpenAIProvider } from '../../src/llm/openai-provider.js';
import type { LlmProvider } from '../../src/llm/provider.js';
import { ReliableProvider } from '../../src/llm/reliable-provider.js';
import { Runtime, type Logger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startLoopbackServer, type ScriptedReply } from '../llm/loopback-server.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';

const KEY = 'sk-live-DO-NOT-PRINT-0123456789abcdef';
const dir = tempDir('duroxide-secrets-');

const providers: { name: string; make: (url: string) => LlmProvider }[] = [
  { name: 'OpenAI', make: (url) => new OpenAIProvider({ apiKey: KEY, baseURL: `${url}/v1`, model: 'gpt-test' }) },
  { name: 'Azure OpenAI', make: (url) => new AzureOpenAIProvider({ endpoint: url, deployment: 'd', apiVersion: '2024-10-21', apiKey: KEY }) },
  { name: 'Anthropic', make: (url) => new AnthropicProvider({ apiKey: KEY, baseURL: url, model: 'claude-test' }) },
];

/** Failure replies; the server echoes what it was sent, key included, as real ones sometimes do. */
const failures: { name: string; reply?: (auth: string) => ScriptedReply; refused?: boolean; timeout?: boolean }[] = [
  { name: '401', reply: (auth) => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${auth}`, type: 'invalid_request_error' } } }) },
  { name: '400 echoing the key', reply: (auth) => ({ status: 400, body: { error: { message: `bad request from ${auth}`, headers: auth } } }) },
  { name: '500', reply: (auth) => ({ status: 500, headers: { 'x-echo': auth }, body: { error: { message: 'internal', echo: auth } } }) },
  { name: 'timeout', timeout: true, reply: () => ({ status: 200, delayMs: 3_000, body: {} }) },
  { name: 'connection refused', refused: true },
];

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serverFor(f: (typeof failures)[number]): Promise<string> {
  if (f.refused) return 'http://127.0.0.1:1';
  const server = await startLoopbackServer((req) => f.reply!(String(req.headers.authorization ?? req.headers['api-key'] ?? req.headers['x-api-key'] ?? '')));
  closers.push(server.close);
  return server.url;
}

/** Everything a user could see of an error. */
function everyRendering(err: unknown): string {
  return [
    inspect(err, { depth: Infinity, showHidden: true }),
    inspect(err),
    String(err),
    (err as Error).stack ?? '',
    JSON.stringify(err) ?? '',
    JSON.stringify((err as { cause?: unknown }).cause ?? null) ?? '',
  ].join('\n');
}

describe('API keys never appear in errors, logs or history', () => {
  for (const p of providers) {
    for (const f of failures) {
      it(`${p.name}, ${f.name}: the error as printed, inspected and serialised has no key`, async () => {
        const url = await serverFor(f);
        const provider = new ReliableProvider(p.make(url), { maxAttempts: 1, timeoutMs: 300 });
        const err = await provider.complete({ prompt: 'hello' }).catch((e) => e);
        expect(err).toBeInstanceOf(Error);
        const text = everyRendering(err);
        expect(text.length).toBeGreaterThan(50);
        expect(text).not.toContain(KEY);
        expect(text).not.toContain(KEY.slice(8));
      });
    }

    it(`${p.name}: a failing LLM call through the runtime leaves no key in logs, history or the SQLite file`, async () => {
      const url = await serverFor(failures[1]);
      const logged: string[] = [];
      const collect = (level: string) => (m: string, fields?: Record<string, unknown>) =>
        logged.push(`${level} ${m} ${inspect(fields, { depth: Infinity, showHidden: true })}`);
      const logger: Logger = { debug: collect('debug'), info: collect('info'), warn: collect('warn'), error: collect('error') };
      const path = tempDbPath(dir);
      const rt = new Runtime({ store: new SqliteStore({ path }), logger, idlePollMs: 5, llm: p.make(url), llmReliability: { maxAttempts: 1 } });
      rt.registerOrchestration('asks', async (ctx) => {
        try {
          return await ctx.generate('hi');
        } catch (e) {
          ctx.traceError('generate failed', { error: e });
          throw e;
        }
      });
      await rt.start();
      const id = await rt.client.startOrchestration('asks');
      const info = await rt.client.waitForOrchestration(id, { timeoutMs: 15_000 });
      expect(info.status).toBe('Failed');
      const history = JSON.stringify(await rt.client.readHistory(id));
      expect(history).toContain('LlmFailed');
      await rt.shutdown({ closeStore: true });
      const everything = [history, JSON.stringify(info), logged.join('\n'), readFileSync(path).toString('latin1')].join('\n');
      expect(logged.join('\n')).toContain('generate failed');
      expect(everything).not.toContain(KEY);
    });
  }
});
