/**
 * Each provider through its official SDK against a loopback server speaking its wire
 * protocol. The server checks path, auth header and structured-output fields, and counts
 * calls (the SDKs' own retries are off, so counts are exact).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../src/llm/anthropic-provider.js';
import { LlmRefusalError, LlmTimeoutError, LlmRequestError } from '../../src/llm/errors.js';
import { generateStructuredSpec } from '../../src/llm/operations/generate-structured.js';
import { OllamaProvider } from '../../src/llm/ollama-provider.js';
import { AzureOpenAIProvider, OpenAIProvider } from '../../src/llm/openai-provider.js';
import type { LlmProvider, LlmRequest } from '../../src/llm/provider.js';
import { ReliableProvider } from '../../src/llm/reliable-provider.js';
import { startLoopbackServer, wire, type RecordedRequest, type ScriptedReply } from './loopback-server.js';

const KEY = 'sk-test-SECRET-key-1234567890';
const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const structuredRequest: LlmRequest = { prompt: 'Where?', responseFormat: { type: 'json', schema, schemaName: 'place' } };

interface ProviderCase {
  name: string;
  make: (url: string) => LlmProvider;
  path: RegExp;
  auth: (r: RecordedRequest) => boolean;
  text: (t: string) => unknown;
  /** The answer for a structured request, carrying `json` (raw text for text-based wires). */
  structured: (json: string) => unknown;
  /** Checks the structured-output field the provider must send. */
  structuredField: (r: RecordedRequest) => void;
  empty: () => unknown;
}

const cases: ProviderCase[] = [
  {
    name: 'OpenAI (chat completions, Bearer auth)',
    make: (url) => new OpenAIProvider({ apiKey: KEY, baseURL: `${url}/v1`, model: 'gpt-test' }),
    path: /^\/v1\/chat\/completions$/,
    auth: (r) => r.headers.authorization === `Bearer ${KEY}`,
    text: (t) => wire.openai(t),
    structured: (json) => wire.openai(json),
    structuredField: (r) =>
      expect(r.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'place', schema, strict: true } }),
    empty: () => wire.openai(null, { refusal: 'I cannot help with that.' }),
  },
  {
    name: 'Azure OpenAI (deployments path, api-key header)',
    make: (url) => new AzureOpenAIProvider({ endpoint: url, deployment: 'my-deploy', apiVersion: '2024-10-21', apiKey: KEY }),
    path: /^\/openai\/deployments\/my-deploy\/chat\/completions\?api-version=2024-10-21$/,
    auth: (r) => r.headers['api-key'] === KEY,
    text: (t) => wire.openai(t),
    structured: (json) => wire.openai(json),
    structuredField: (r) => expect(r.body.response_format.type).toBe('json_schema'),
    empty: () => wire.openai(''),
  },
  {
    name: 'Anthropic (/v1/messages, API key, forced tool)',
    make: (url) => new AnthropicProvider({ apiKey: KEY, baseURL: url, model: 'claude-test' }),
    path: /^\/v1\/messages$/,
    // The SDK decides the header: x-api-key in older versions, a Bearer token in 1.x.
    auth: (r) => (r.headers['x-api-key'] === KEY || r.headers.authorization === `Bearer ${KEY}`) && typeof r.headers['anthropic-version'] === 'string',
    text: (t) => wire.anthropicText(t),
    structured: (json) => wire.anthropicTool('place', JSON.parse(json.replace(/```(json)?/g, ''))),
    structuredField: (r) => {
      expect(r.body.tool_choice).toEqual({ type: 'tool', name: 'place' });
      expect(r.body.tools[0].input_schema).toEqual(schema);
    },
    empty: () => wire.anthropicText(''),
  },
  {
    name: 'Ollama (/api/chat, format schema)',
    make: (url) => new OllamaProvider({ host: url, model: 'llama-test' }),
    path: /^\/api\/chat$/,
    auth: () => true,
    text: (t) => wire.ollama(t),
    structured: (json) => wire.ollama(json),
    structuredField: (r) => expect(r.body.format).toEqual(schema),
    empty: () => wire.ollama(''),
  },
];

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

async function serve(reply: (req: RecordedRequest, i: number) => ScriptedReply) {
  const server = await startLoopbackServer(reply);
  closers.push(server.close);
  return server;
}

for (const c of cases) {
  describe(c.name, () => {
    it('sends the prompt on the right path with the right auth and returns text and usage', async () => {
      const server = await serve(() => ({ body: c.text('Paris') }));
      const res = await c.make(server.url).complete({ system: 'Be brief.', prompt: 'Capital of France?', maxTokens: 20 });
      expect(res.text).toBe('Paris');
      expect(res.usage.input).toBeGreaterThan(0);
      expect(res.usage.output).toBeGreaterThan(0);
      expect(server.calls).toHaveLength(1);
      expect(server.calls[0].path).toMatch(c.path);
      expect(c.auth(server.calls[0])).toBe(true);
      expect(JSON.stringify(server.calls[0].body)).toContain('Capital of France?');
    });

    it('asks for structured output natively and the answer validates against the schema', async () => {
      const server = await serve(() => ({ body: c.structured('{"city":"Paris"}') }));
      const res = await c.make(server.url).complete(structuredRequest);
      c.structuredField(server.calls[0]);
      const parsed = generateStructuredSpec.parse(res, { prompt: 'Where?', schema });
      expect(parsed).toEqual({ ok: true, value: { city: 'Paris' } });
    });

    it('a JSON answer wrapped in a code fence still parses', async () => {
      const server = await serve(() => ({ body: c.structured('```json\n{"city":"Oslo"}\n```') }));
      const res = await c.make(server.url).complete(structuredRequest);
      expect(generateStructuredSpec.parse(res, { prompt: 'Where?', schema })).toEqual({ ok: true, value: { city: 'Oslo' } });
    });

    it('a malformed JSON answer fails validation with feedback for the re-ask', async () => {
      const server = await serve(() => ({ body: c.name.startsWith('Anthropic') ? wire.anthropicTool('place', { town: 1 }) : c.structured('{"town": 1') }));
      const res = await c.make(server.url).complete(structuredRequest);
      const parsed = generateStructuredSpec.parse(res, { prompt: 'Where?', schema });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.feedback).toMatch(/schema|JSON/);
    });

    it('a 429 with retry-after succeeds on the retry, after the requested wait', async () => {
      const server = await serve((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } } : { body: c.text('ok') }));
      const provider = new ReliableProvider(c.make(server.url), { baseDelayMs: 1, maxAttempts: 3 });
      const t0 = Date.now();
      const res = await provider.complete({ prompt: 'hi' });
      expect(res.text).toBe('ok');
      expect(server.calls).toHaveLength(2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    });

    it('a 500 then success is retried', async () => {
      const server = await serve((_r, i) => (i === 0 ? { status: 500, body: { error: { message: 'boom' } } } : { body: c.text('recovered') }));
      const res = await new ReliableProvider(c.make(server.url), { baseDelayMs: 1 }).complete({ prompt: 'hi' });
      expect(res.text).toBe('recovered');
      expect(server.calls).toHaveLength(2);
    });

    it('a 400 is not retried and the error never shows the API key', async () => {
      const server = await serve(() => ({ status: 400, body: { error: { message: `bad request for key ${KEY}` } } }));
      const err = await new ReliableProvider(c.make(server.url), { baseDelayMs: 1 }).complete({ prompt: 'hi' }).catch((e) => e);
      expect(err).toBeInstanceOf(LlmRequestError);
      expect(server.calls).toHaveLength(1);
      expect(`${err.message} ${err.stack}`).not.toContain(KEY);
    });

    it('a refusal or an empty answer is a clear LlmRefusalError', async () => {
      const server = await serve(() => ({ body: c.empty() }));
      await expect(c.make(server.url).complete({ prompt: 'hi' })).rejects.toBeInstanceOf(LlmRefusalError);
    });

    it('a request past its timeout fails with LlmTimeoutError', async () => {
      const server = await serve(() => ({ delayMs: 2000, body: c.text('late') }));
      const provider = new ReliableProvider(c.make(server.url), { maxAttempts: 1, timeoutMs: 200 });
      await expect(provider.complete({ prompt: 'hi' })).rejects.toBeInstanceOf(LlmTimeoutError);
    });
  });
}
