/** Record/replay cassettes, and the concurrency and per-minute limits of ReliableProvider. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CassetteMissError } from '../../src/llm/errors.js';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { RecordReplayProvider } from '../../src/llm/record-replay-provider.js';
import { ReliableProvider, inProcessRateLimiter } from '../../src/llm/reliable-provider.js';
import { tempDir } from '../support/temp-paths.js';
import { startLoopbackServer, wire } from './loopback-server.js';

const dir = tempDir('duroxide-cassette-');

describe('RecordReplayProvider', () => {
  it('records against a live server, then replays offline; a miss fails clearly; the key is not stored', async () => {
    const key = 'sk-cassette-SECRET-42';
    const cassettePath = join(dir, 'cassettes', 'weather.json');
    const server = await startLoopbackServer(() => ({ body: wire.openai('sunny') }));
    const recorder = new RecordReplayProvider(new OpenAIProvider({ apiKey: key, baseURL: `${server.url}/v1` }), { cassettePath, mode: 'record' });
    expect((await recorder.complete({ prompt: 'Weather in Oslo?' })).text).toBe('sunny');
    await server.close();

    const player = new RecordReplayProvider(null, { cassettePath, mode: 'replay' });
    expect((await player.complete({ prompt: 'Weather in Oslo?' })).text).toBe('sunny');
    const miss = await player.complete({ prompt: 'Weather in Rome?' }).catch((e) => e);
    expect(miss).toBeInstanceOf(CassetteMissError);
    expect(miss.message).toContain('Weather in Rome?');
    expect(miss.message).toContain(cassettePath);
    expect(readFileSync(cassettePath, 'utf8')).not.toContain(key);
  });

  it('auto mode replays what it has and records what it lacks', async () => {
    const cassettePath = join(dir, 'auto.json');
    const inner = new MockLlmProvider(() => 'fresh');
    const auto = new RecordReplayProvider(inner, { cassettePath });
    await auto.complete({ prompt: 'a' });
    await auto.complete({ prompt: 'a' });
    await auto.complete({ prompt: 'b' });
    expect(inner.calls.map((c) => c.prompt)).toEqual(['a', 'b']);
  });
});

describe('ReliableProvider limits', () => {
  it('never has more requests in flight than its concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = new MockLlmProvider(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return 'ok';
    });
    const limited = new ReliableProvider(slow, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => limited.complete({ prompt: `p${i}` })));
    expect(peak).toBe(3);
  });

  it('holds requests per minute: the request past the limit waits for the window', async () => {
    const backend = inProcessRateLimiter();
    const waits: number[] = [];
    const spy = async (req: { key: string; limit: number; windowMs: number; cost: number }) => {
      const w = await backend({ ...req, windowMs: 300 }); // a short window keeps the test quick
      waits.push(w);
      return w;
    };
    const provider = new ReliableProvider(new MockLlmProvider(() => 'ok'), { requestsPerMinute: 2, rateLimitBackend: spy });
    const t0 = Date.now();
    await Promise.all([1, 2, 3].map((i) => provider.complete({ prompt: `p${i}` })));
    expect(waits.filter((w) => w > 0).length).toBeGreaterThanOrEqual(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('counts tokens per minute from the request size and maxTokens', async () => {
    const costs: number[] = [];
    const provider = new ReliableProvider(new MockLlmProvider(() => 'ok'), {
      tokensPerMinute: 10_000,
      rateLimitBackend: async (req) => (costs.push(req.cost), 0),
    });
    await provider.complete({ prompt: 'x'.repeat(400), maxTokens: 100 });
    expect(costs).toEqual([200]);
  });
});
