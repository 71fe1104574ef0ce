/** Every ctx LLM operation end to end in an orchestration on SQLite, with scripted content. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OrchestrationContext } from '../../src/runtime/context-api.js';
import { MockLlmProvider, type MockAnswer } from '../../src/llm/mock-provider.js';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { startRuntime, stopRuntime } from '../runtime/runtime-harness.js';
import { startLoopbackServer, wire } from './loopback-server.js';

/** Runs `fn` as an orchestration with a mock answering `answers` in order; returns output and mock. */
async function runWithMock(fn: (ctx: OrchestrationContext, input: any) => Promise<unknown>, answers: MockAnswer[], input: unknown = null) {
  const mock = new MockLlmProvider(answers);
  const { runtime, path } = await startRuntime((rt) => rt.registerOrchestration('llm-op', fn), { llm: mock, llmReliability: { baseDelayMs: 1 } });
  const id = await runtime.client.startOrchestration('llm-op', input);
  const info = await runtime.client.waitForOrchestration(id, { timeoutMs: 20_000 });
  const history = await runtime.client.readHistory(id);
  return { info, mock, history, runtime, id, path };
}

describe('LLM operations in orchestrations', () => {
  it('generate and generateWithSystem return the text and record one request/completion pair each', async () => {
    const { info, mock, history } = await runWithMock(
      async (ctx) => [await ctx.generate('Say hi'), await ctx.generateWithSystem('You are terse.', 'Say bye')],
      ['hi there', 'bye'],
    );
    expect(info.output).toEqual(['hi there', 'bye']);
    expect(mock.calls[1].system).toBe('You are terse.');
    expect(history.filter((e) => e.kind === 'LlmRequested').map((e) => (e as { operation: string }).operation)).toEqual(['generate', 'generateWithSystem']);
    expect(history.filter((e) => e.kind === 'LlmCompleted')).toHaveLength(2);
  });

  it('ifTrue returns booleans from loose answers', async () => {
    const { info } = await runWithMock(async (ctx) => [await ctx.ifTrue('Is water wet?'), await ctx.ifTrue('Is fire cold?')], ['Yes.', ' FALSE']);
    expect(info.output).toEqual([true, false]);
  });

  it('classify normalises answers such as "POSITIVE." to the listed label', async () => {
    const { info } = await runWithMock(async (ctx) => ctx.classify('Great product!', ['positive', 'negative']), ['POSITIVE.']);
    expect(info.output).toBe('positive');
  });

  it('classify re-asks an answer outside the list; every attempt is its own pair in history', async () => {
    const { info, mock, history } = await runWithMock(async (ctx) => ctx.classify('meh', ['positive', 'negative', 'neutral']), ['lukewarm', 'Neutral']);
    expect(info.output).toBe('neutral');
    expect(mock.calls).toHaveLength(2);
    expect(mock.calls[1].prompt).toContain('positive, negative, neutral');
    expect(history.filter((e) => e.kind === 'LlmRequested')).toHaveLength(2);
    expect(history.filter((e) => e.kind === 'LlmCompleted')).toHaveLength(2);
  });

  it('classify never returns a label outside the list: it fails clearly, naming the allowed labels', async () => {
    const { info } = await runWithMock(async (ctx) => ctx.classify('???', ['cat', 'dog']), ['fish', 'bird', 'hamster']);
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('LlmOperationFailedError');
    expect(info.error?.message).toContain('cat, dog');
  });

  it('extractFeatures returns the named features as strings', async () => {
    const { info } = await runWithMock(async (ctx) => ctx.extractFeatures('Ada, 36, London', ['name', 'age', 'city']), ['{"name":"Ada","age":36,"city":"London"}']);
    expect(info.output).toEqual({ name: 'Ada', age: '36', city: 'London' });
  });

  it('generateStructured validates against JSON Schema and re-asks invalid answers', async () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    const { info, mock } = await runWithMock(async (ctx) => ctx.generateStructured('Sum 2 and 3', schema), ['{"total": "five"}', 'Sure! ```json\n{"total": 5}\n```']);
    expect(info.output).toEqual({ total: 5 });
    expect(mock.calls[1].prompt).toContain('/total must be number');
  });

  it('generateStructured accepts a zod schema', async () => {
    const { info, mock } = await runWithMock(
      async (ctx) => ctx.generateStructured('A user', z.object({ name: z.string(), age: z.number().int() })),
      ['{"name":"Lin","age":41}'],
    );
    expect(info.output).toEqual({ name: 'Lin', age: 41 });
    expect(mock.calls[0].responseFormat).toMatchObject({ type: 'json', schema: { type: 'object', required: ['name', 'age'] } });
  });

  it('summarize keeps to the word limit, re-asking a summary that is too long', async () => {
    const { info, mock } = await runWithMock(async (ctx) => ctx.summarize('long text '.repeat(50), 5), ['this summary has far too many words in it', 'short and sweet']);
    expect(info.output).toBe('short and sweet');
    expect(mock.calls[1].prompt).toContain('limit is 5');
  });

  it('sentiment returns a label and a confidence', async () => {
    const { info } = await runWithMock(async (ctx) => ctx.sentiment('I love it'), ['{"label":"Positive","confidence":0.93}']);
    expect(info.output).toEqual({ label: 'positive', confidence: 0.93 });
  });

  it('generateWithContext includes the orchestration, recent results and custom data', async () => {
    const mock = new MockLlmProvider(['next: ship it']);
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('check', async () => ({ stock: 3 }));
        rt.registerOrchestration('ctxflow', async (ctx) => {
          await ctx.scheduleActivity('check');
          ctx.setCustomStatus({ phase: 'deciding' });
          return ctx.generateWithContext('What next?', { context: { customer: 'vip' }, maxContextTokens: 500 });
        });
      },
      { llm: mock },
    );
    const id = await runtime.client.startOrchestration('ctxflow');
    expect(await runtime.client.getResult(id)).toBe('next: ship it');
    const system = mock.calls[0].system ?? '';
    expect(system).toContain('ctxflow');
    expect(system).toContain(id);
    expect(system).toContain('activity check (succeeded): {"stock":3}');
    expect(system).toContain('"customer":"vip"');
    expect(system).toContain('"phase":"deciding"');
  });

  it('generateValidated re-prompts with the validator message until it accepts', async () => {
    const { info, mock, history } = await runWithMock(
      async (ctx) => ctx.generateValidated('A haiku', (t) => (t.split('\n').length === 3 ? true : 'a haiku has three lines'), 3),
      ['one line', 'a\nb\nc'],
    );
    expect(info.output).toBe('a\nb\nc');
    expect(mock.calls[1].prompt).toContain('a haiku has three lines');
    expect(history.filter((e) => e.kind === 'LlmRequested')).toHaveLength(2);
  });

  it('describeTools lists activities with descriptions (or marked as tools)', async () => {
    const { runtime } = await startRuntime((rt) => {
      rt.registerActivity('get_weather', async () => 'sunny', { description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } });
      rt.registerActivity('internal', async () => null);
      rt.registerActivity('ping', async () => 'pong', { tool: true });
      rt.registerOrchestration('tools', async (ctx) => ctx.describeTools().map((t) => t.name));
    });
    const id = await runtime.client.startOrchestration('tools');
    expect(await runtime.client.getResult(id)).toEqual(['get_weather', 'ping']);
  });

  it('dedupe answers an identical prompt once, recorded as such in history', async () => {
    const { info, mock, history } = await runWithMock(
      async (ctx) => [await ctx.generate('same', { dedupe: true }), await ctx.generate('same', { dedupe: true })],
      ['only once'],
    );
    expect(info.output).toEqual(['only once', 'only once']);
    expect(mock.calls).toHaveLength(1);
    const requested = history.filter((e) => e.kind === 'LlmRequested') as { dedupeOf?: number; eventId: number }[];
    expect(requested[1].dedupeOf).toBe(requested[0].eventId);
  });

  it('a token budget stops the next operation before the provider is called; usage sums over re-asks', async () => {
    const { info, mock, runtime, id } = await runWithMock(
      async (ctx) => {
        ctx.setLlmBudget({ maxTokens: 20 });
        await ctx.classify('x', ['a', 'b']); // a re-ask: two calls
        return ctx.generate('one more');
      },
      [{ text: 'c', usage: { input: 6, output: 2 } }, { text: 'a', usage: { input: 9, output: 4 } }, 'never sent'],
    );
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('LlmBudgetExceededError');
    expect(mock.calls).toHaveLength(2);
    expect(await runtime.client.getLlmUsage(id)).toEqual({ input: 15, output: 6, total: 21, calls: 2 });
  });

  it('changing a prompt while an instance is running is a NondeterminismError naming the operation', async () => {
    const mock = new MockLlmProvider(() => 'answer');
    let prompt = 'first prompt';
    const first = await startRuntime(
      (rt) =>
        rt.registerOrchestration('prompted', async (ctx) => {
          await ctx.generate(prompt);
          return ctx.waitForEvent('go');
        }),
      { llm: mock },
    );
    const id = await first.runtime.client.startOrchestration('prompted');
    for (let i = 0; i < 300 && !(await first.runtime.client.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'); i++) await new Promise((r) => setTimeout(r, 10));
    await stopRuntime(first.runtime);
    prompt = 'a different prompt';
    const second = await startRuntime(
      (rt) =>
        rt.registerOrchestration('prompted', async (ctx) => {
          await ctx.generate(prompt);
          return ctx.waitForEvent('go');
        }),
      { llm: mock, path: first.path },
    );
    await second.runtime.client.raiseEvent(id, 'go', 1);
    const info = await second.runtime.client.waitForOrchestration(id);
    expect(info.error?.name).toBe('NondeterminismError');
    expect(info.error?.message).toContain('ctx.generate()');
    expect(mock.calls).toHaveLength(1);
  });

  it('the API key never reaches history or the SQLite file', async () => {
    const key = 'sk-live-VERY-SECRET-0123456789abcdef';
    const server = await startLoopbackServer(() => ({ body: wire.openai('fine') }));
    try {
      const { runtime, path } = await startRuntime(
        (rt) => rt.registerOrchestration('keyed', async (ctx) => ctx.generate(`Use the key ${'*'.repeat(4)}`)),
        { llm: new OpenAIProvider({ apiKey: key, baseURL: `${server.url}/v1` }), recordPrompts: true },
      );
      const id = await runtime.client.startOrchestration('keyed');
      expect(await runtime.client.getResult(id)).toBe('fine');
      expect(server.calls[0].headers.authorization).toBe(`Bearer ${key}`);
      expect(JSON.stringify(await runtime.client.readHistory(id))).not.toContain(key);
      await stopRuntime(runtime);
      for (const file of [path, `${path}-wal`]) {
        let bytes = '';
        try {
          bytes = readFileSync(file).toString('latin1');
        } catch {
          continue;
        }
        expect(bytes.includes(key)).toBe(false);
      }
    } finally {
      await server.close();
    }
  });
});
