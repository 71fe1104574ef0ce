/**
 * A provider asking to wait an hour does not hold a concurrency slot for an hour: past
 * `maxRetryAfterMs` the call fails with its rate-limit error at once, and shorter waits
 * happen without a slot. Workers under load print no MaxListenersExceededWarning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LlmRateLimitError } from '../../src/llm/errors.js';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { ReliableProvider } from '../../src/llm/reliable-provider.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startLoopbackServer, wire } from '../llm/loopback-server.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';

const dir = tempDir('duroxide-limits-');
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const promptOf = (body: { messages: { content: string }[] }) => body.messages.at(-1)!.content;

async function openai(retryAfter: (prompt: string, attempt: number) => string | null) {
  const seen = new Map<string, number>();
  const server = await startLoopbackServer((req) => {
    const p = promptOf(req.body);
    const attempt = (seen.get(p) ?? 0) + 1;
    seen.set(p, attempt);
    const wait = retryAfter(p, attempt);
    return wait === null ? { body: wire.openai(`ok ${p}`) } : { status: 429, headers: { 'retry-after': wait }, body: { error: { message: 'slow down' } } };
  });
  closers.push(server.close);
  return { server, provider: new OpenAIProvider({ apiKey: 'sk-x', baseURL: `${server.url}/v1`, model: 'gpt-test' }) };
}

describe('retry-after is capped and waited without a slot', () => {
  it('retry-after: 3600 fails the call at once with LlmRateLimitError (default cap 60 s) and frees the slot', async () => {
    const { server, provider } = await openai((p) => (p === 'hourly' ? '3600' : null));
    const reliable = new ReliableProvider(provider, { concurrency: 1, maxAttempts: 4 });
    const [slow, fast] = await Promise.allSettled([reliable.complete({ prompt: 'hourly' }), reliable.complete({ prompt: 'other' })]);
    expect(slow.status).toBe('rejected');
    const err = (slow as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(LlmRateLimitError);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(fast).toMatchObject({ status: 'fulfilled', value: { text: 'ok other' } });
    expect(server.calls.map((c) => promptOf(c.body))).toEqual(['hourly', 'other']);
  });

  it('a retry-after under the cap is waited without holding the concurrency slot', async () => {
    const { server, provider } = await openai((p, attempt) => (p === 'first' && attempt === 1 ? '1' : null));
    const reliable = new ReliableProvider(provider, { concurrency: 1, maxAttempts: 2, maxRetryAfterMs: 5_000 });
    const first = reliable.complete({ prompt: 'first' });
    await new Promise((r) => setTimeout(r, 100)); // the first is waiting out its retry-after now
    const second = await reliable.complete({ prompt: 'second' });
    expect(second.text).toBe('ok second');
    expect((await first).text).toBe('ok first');
    expect(server.calls.map((c) => promptOf(c.body))).toEqual(['first', 'second', 'first']);
  });

  it('a cap of 0 s fails on the first retry-after', async () => {
    const { server, provider } = await openai(() => '1');
    const reliable = new ReliableProvider(provider, { maxAttempts: 3, maxRetryAfterMs: 0 });
    await expect(reliable.complete({ prompt: 'x' })).rejects.toBeInstanceOf(LlmRateLimitError);
    expect(server.calls).toHaveLength(1);
  });
});

describe('workers under load', () => {
  it('100 activities and 40 LLM calls in flight print no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const rt = new Runtime({
      store: new SqliteStore({ path: tempDbPath(dir) }),
      logger: silentLogger,
      idlePollMs: 5,
      activityConcurrency: 64,
      llmConcurrency: 40,
      llm: new MockLlmProvider(() => 'fine', { latencyMs: 50 }),
    });
    rt.registerActivity('wait', async () => (await new Promise((r) => setTimeout(r, 100)), 1));
    rt.registerOrchestration('load', async (ctx) => {
      const acts = await ctx.all(Array.from({ length: 100 }, () => ctx.scheduleActivity<number>('wait')));
      const answers = await ctx.all(Array.from({ length: 40 }, (_, i) => ctx.generate(`q${i}`)));
      return acts.length + answers.length;
    });
    await rt.start();
    try {
      expect(await rt.client.getResult(await rt.client.startOrchestration('load'), { timeoutMs: 30_000 })).toBe(140);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await rt.shutdown({ closeStore: true });
    }
  });
});
