/**
 * generateWithContext's include flags and customContext, and generateValidated's typed form,
 * in orchestrations on SQLite with scripted answers; prompt hashes stay those of older histories.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlmContextOptions, OrchestrationContext } from '../../src/runtime/context-api.js';
import type { LlmRequested } from '../../src/runtime/history.js';
import { MockLlmProvider, type MockAnswer } from '../../src/llm/mock-provider.js';
import { generateWithContextSpec } from '../../src/llm/operations/generate-with-context.js';
import { startRuntime } from '../runtime/runtime-harness.js';

async function run(fn: (ctx: OrchestrationContext) => Promise<unknown>, answers: MockAnswer[], setup?: Parameters<typeof startRuntime>[0]) {
  const mock = new MockLlmProvider(answers);
  const { runtime } = await startRuntime(
    (rt) => {
      setup?.(rt);
      rt.registerOrchestration('llm-op', (ctx) => fn(ctx));
    },
    { llm: mock, llmReliability: { baseDelayMs: 1 } },
  );
  const id = await runtime.client.startOrchestration('llm-op', null);
  const info = await runtime.client.waitForOrchestration(id, { timeoutMs: 20_000 });
  const requested = (await runtime.client.readHistory(id)).filter((e): e is LlmRequested => e.kind === 'LlmRequested');
  return { info, mock, requested, runtime, id };
}

describe('generateWithContext options', () => {
  /** What generateWithContext sends after a check activity, a custom status and an event. */
  async function sent(opts: LlmContextOptions) {
    const mock = new MockLlmProvider(['ship it']);
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('check', async () => ({ stock: 3 }));
        rt.registerOrchestration('ctxflow', async (ctx) => {
          await ctx.scheduleActivity('check');
          ctx.setCustomStatus({ phase: 'deciding' });
          await ctx.waitForEvent('go');
          return ctx.generateWithContext('What next?', opts);
        });
      },
      { llm: mock },
    );
    const id = await runtime.client.startOrchestration('ctxflow');
    await runtime.client.raiseEvent(id, 'go', { by: 'ops' });
    expect(await runtime.client.getResult(id, { timeoutMs: 20_000 })).toBe('ship it');
    const requested = (await runtime.client.readHistory(id)).find((e): e is LlmRequested => e.kind === 'LlmRequested')!;
    return { system: mock.calls[0].system ?? '', hash: requested.promptHash };
  }

  it('by default sends activity results, events and the custom status', async () => {
    const { system } = await sent({});
    expect(system).toContain('activity check (succeeded): {"stock":3}');
    expect(system).toContain('event go: {"by":"ops"}');
    expect(system).toContain('"phase":"deciding"');
  });

  it('includeActivityResults: false leaves activity results out, and only them', async () => {
    const { system } = await sent({ includeActivityResults: false });
    expect(system).not.toContain('activity check');
    expect(system).toContain('event go: {"by":"ops"}');
    expect(system).toContain('"phase":"deciding"');
  });

  it('includeHistory: false leaves events out and keeps activity results', async () => {
    const { system } = await sent({ includeHistory: false });
    expect(system).not.toContain('event go');
    expect(system).toContain('activity check (succeeded)');
  });

  it('includeState: false leaves the custom status out', async () => {
    const { system } = await sent({ includeState: false });
    expect(system).not.toContain('deciding');
    expect(system).toContain('activity check (succeeded)');
  });

  it('customContext is the same option as context: same prompt, same hash', async () => {
    const a = await sent({ customContext: { customer: 'vip' } });
    const b = await sent({ context: { customer: 'vip' } });
    expect(a.system).toContain('Caller context: {"customer":"vip"}');
    expect(a.hash).toBe(b.hash);
    await expect(run(async (ctx) => ctx.generateWithContext('x', { context: 1, customContext: 2 }), ['-'])).resolves.toMatchObject({
      info: { status: 'Failed', error: { message: expect.stringContaining('customContext or context') } },
    });
  });

  it('hashes only what the caller passed: without the flags the hash input is what older histories recorded', async () => {
    const snapshot = { name: 'n', version: '1', instanceId: 'i', executionId: 1, items: [] };
    expect(generateWithContextSpec.hashInput({ prompt: 'p', snapshot })).toEqual({ prompt: 'p', system: null, custom: null, maxContextTokens: null });
    expect(generateWithContextSpec.hashInput({ prompt: 'p', snapshot, includeState: false })).toMatchObject({ includeState: false });
    const plain = await sent({});
    const explicit = await sent({ includeHistory: true });
    expect(plain.hash).not.toBe(explicit.hash); // an explicit flag is caller input
  });
});

describe('generateValidated', () => {
  const schema = { type: 'object', properties: { title: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['title', 'tags'] };

  it('the options form parses JSON against the schema and gives the validator the typed value', async () => {
    const seen: unknown[] = [];
    const { info, mock, requested } = await run(
      async (ctx) => {
        const post = await ctx.generateValidated<{ title: string; tags: string[] }>('A blog post about durable workflows', {
          schema,
          validate: (p) => (seen.push(p), p.tags.length >= 2 ? true : 'give at least two tags'),
        });
        return { upper: post.title.toUpperCase(), tags: post.tags };
      },
      ['not json at all', '{"title":"Replay","tags":["durable"]}', '```json\n{"title":"Replay","tags":["durable","llm"]}\n```'],
    );
    expect(info.output).toEqual({ upper: 'REPLAY', tags: ['durable', 'llm'] });
    expect(seen).toEqual([{ title: 'Replay', tags: ['durable'] }, { title: 'Replay', tags: ['durable', 'llm'] }]);
    expect(mock.calls[0].responseFormat).toMatchObject({ type: 'json', schema });
    expect(mock.calls[1].prompt).toContain('did not match the schema');
    expect(mock.calls[2].prompt).toContain('give at least two tags');
    expect(requested).toHaveLength(3);
  });

  it('accepts a zod schema and fails with LlmOperationFailedError after maxAttempts', async () => {
    const { info, mock } = await run(
      async (ctx) => ctx.generateValidated('A number', { schema: z.object({ n: z.number() }), validate: (v: { n: number }) => (v.n > 10 ? true : 'bigger than 10'), maxAttempts: 2 }),
      ['{"n":1}', '{"n":2}'],
    );
    expect(info.status).toBe('Failed');
    expect(info.error?.name).toBe('LlmOperationFailedError');
    expect(info.error?.message).toContain('bigger than 10');
    expect(mock.calls).toHaveLength(2);
  });

  it('the text form still returns the text, and the options form without a schema hashes the same', async () => {
    const check = (t: string) => (t.includes('!') ? true : 'add an exclamation mark');
    const text = await run(async (ctx) => ctx.generateValidated('Greet', check, 3), ['hello', 'hello!']);
    const options = await run(async (ctx) => ctx.generateValidated('Greet', { validate: check }), ['hello', 'hello!']);
    expect(text.info.output).toBe('hello!');
    expect(options.info.output).toBe('hello!');
    expect(options.requested.map((e) => e.promptHash)).toEqual(text.requested.map((e) => e.promptHash));
  });
});
