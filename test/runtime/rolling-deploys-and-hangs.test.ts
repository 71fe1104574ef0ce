/**
 * Several runtimes on one store during a rolling deploy: work a runtime lacks the code for is
 * left for another (logged once) and fails only after unknownWorkTimeoutMs. No silent hangs:
 * LLM calls without a provider fail at once, providers without a key fail when created,
 * failures and retries are logged, unknown instances get a typed error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmConfigurationError } from '../../src/llm/errors.js';
import { AnthropicProvider } from '../../src/llm/anthropic-provider.js';
import { AzureOpenAIProvider, OpenAIProvider } from '../../src/llm/openai-provider.js';
import { InstanceNotFoundError, LlmProviderNotConfiguredError } from '../../src/runtime/errors.js';
import type { Logger, Runtime } from '../../src/runtime/runtime.js';
import { startRuntime, stopRuntime } from './runtime-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const v1 = (rt: Runtime) =>
  rt.registerOrchestration('eternal', async (ctx, n: number) => {
    await ctx.scheduleTimer(1);
    return ctx.continueAsNew(n + 1, { version: '2.0.0' });
  }, { version: '1.0.0' });
const v2 = (rt: Runtime) =>
  rt.registerOrchestration('eternal', async (ctx, n: number) => `v2 finished with ${n}`, { version: '2.0.0' });

describe('rolling deploys', () => {
  it('an instance moved to a version this runtime lacks is left for another runtime, not failed, and logged once', async () => {
    const logger = recordingLogger();
    const old = await startRuntime(v1, { logger, unknownWorkTimeoutMs: 60_000, maxAttempts: 2 });
    const id = await old.runtime.client.startOrchestration('eternal', 1);
    for (let i = 0; i < 300 && (await old.runtime.client.listExecutions(id)).length < 1; i++) await sleep(10);
    await sleep(1200); // the old runtime keeps finding the v2 turn and abandoning it (more often than maxAttempts)
    expect((await old.runtime.client.getStatus(id))?.status).toBe('Running');
    const abandons = logger.lines.filter((l) => l.message.includes('this runtime cannot run instance'));
    expect(abandons).toHaveLength(1);
    expect(abandons[0]).toMatchObject({ level: 'warn', fields: { instanceId: id } });
    expect(String(abandons[0].fields?.reason)).toContain('with version 2.0.0');
    await stopRuntime(old.runtime);
    const upgraded = await startRuntime((rt) => (v1(rt), v2(rt)), { path: old.path, maxAttempts: 2 });
    expect(await upgraded.runtime.client.getResult(id, { timeoutMs: 15_000 })).toBe('v2 finished with 2');
    // The abandons did not count toward poison.
    expect((await upgraded.runtime.client.getStatus(id))?.error).toBeUndefined();
  });

  it('an activity only another runtime registers runs there; alone, it fails after unknownWorkTimeoutMs naming what was missing', async () => {
    const setup = (rt: Runtime) => rt.registerOrchestration('uses-report', async (ctx) => ctx.scheduleActivity<string>('report'));
    const first = await startRuntime(setup, { unknownWorkTimeoutMs: 60_000 });
    const id = await first.runtime.client.startOrchestration('uses-report');
    await sleep(400);
    expect((await first.runtime.client.getStatus(id))?.status).toBe('Running');
    await startRuntime((rt) => (setup(rt), rt.registerActivity('report', async () => 'from the new node')), { path: first.path });
    // Both runtimes poll for the item; each time the old one wins it, it leaves it again with a
    // longer backoff (up to 5 s), so under load the new one may need a few rounds.
    expect(await first.runtime.client.getResult(id, { timeoutMs: 40_000 })).toBe('from the new node');

    await stopRuntime(first.runtime);
    const alone = await startRuntime(setup, { unknownWorkTimeoutMs: 200 });
    const lonely = await alone.runtime.client.startOrchestration('uses-report');
    const info = await alone.runtime.client.waitForOrchestration(lonely, { timeoutMs: 10_000 });
    expect(info.status).toBe('Failed');
    expect(info.error?.message).toContain('No activity named "report" is registered');
    expect(info.error?.message).toContain('No runtime sharing this store ran it within unknownWorkTimeoutMs (200 ms)');
  });
});

describe('no silent hangs', () => {
  it('an LLM operation on a runtime without an LLM provider fails at once with a catchable LlmProviderNotConfiguredError', async () => {
    const { runtime } = await startRuntime((rt) =>
      rt.registerOrchestration('asks-nobody', async (ctx) => {
        try {
          return await ctx.generate('hello?');
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      }),
    );
    const out = await runtime.client.getResult<string>(await runtime.client.startOrchestration('asks-nobody'), { timeoutMs: 5_000 });
    expect(out).toMatch(/^LlmProviderNotConfiguredError: No LLM provider named "default" is configured on this runtime \(configured: none\)/);
    expect(out).toContain('new Runtime({ llm');
    expect(new LlmProviderNotConfiguredError('x', []).code).toBe('LLM_PROVIDER_NOT_CONFIGURED_ERROR');
  });

  it('with remoteLlm the call waits for another runtime to run it instead', async () => {
    const { runtime } = await startRuntime((rt) => rt.registerOrchestration('asks-remote', async (ctx) => ctx.generate('hi')), { remoteLlm: true });
    const id = await runtime.client.startOrchestration('asks-remote');
    await sleep(200);
    expect((await runtime.client.readHistory(id)).map((e) => e.kind)).toEqual(['OrchestrationStarted', 'LlmRequested']);
  });

  describe('providers without an API key fail when created, naming the variable', () => {
    const saved = { ...process.env };
    beforeEach(() => {
      delete process.env.OPENAI_API_KEY;
      delete process.env.ANTHROPIC_API_KEY;
      delete process.env.AZURE_OPENAI_API_KEY;
    });
    afterEach(() => Object.assign(process.env, saved));
    it('OpenAI, Azure OpenAI and Anthropic', () => {
      expect(() => new OpenAIProvider()).toThrow(LlmConfigurationError);
      expect(() => new OpenAIProvider()).toThrow('set OPENAI_API_KEY');
      expect(() => new AnthropicProvider()).toThrow('set ANTHROPIC_API_KEY');
      expect(() => new AzureOpenAIProvider({ endpoint: 'http://127.0.0.1:1', deployment: 'd' })).toThrow('set AZURE_OPENAI_API_KEY');
      expect(() => new AzureOpenAIProvider({})).toThrow('AZURE_OPENAI_ENDPOINT');
      process.env.OPENAI_API_KEY = 'sk-from-env';
      expect(new OpenAIProvider().name).toBe('openai');
    });
  });

  it('the logger reports failed orchestrations and activity retries at warn, with structured fields', async () => {
    const logger = recordingLogger();
    const { runtime } = await startRuntime(
      (rt) => {
        rt.registerActivity('flaky', async (actx) => {
          if (actx.attempt === 1 && !flakyDone.has(actx.instanceId)) {
            flakyDone.add(actx.instanceId);
            throw new Error('first try fails');
          }
          return 'ok';
        });
        rt.registerOrchestration('retrying', async (ctx) =>
          ctx.scheduleActivity('flaky', null, { retry: { maxAttempts: 3, backoff: { kind: 'fixed', delayMs: 1 } } }),
        );
        rt.registerOrchestration('fails', async () => {
          throw new Error('broken on purpose');
        });
      },
      { logger },
    );
    const flakyDone = new Set<string>();
    const retrying = await runtime.client.startOrchestration('retrying');
    expect(await runtime.client.getResult(retrying)).toBe('ok');
    const failing = await runtime.client.startOrchestration('fails');
    await runtime.client.waitForOrchestration(failing);
    const retry = logger.lines.find((l) => l.message.includes('attempt 1 of 3 failed'));
    expect(retry).toMatchObject({ level: 'warn', fields: { instanceId: retrying, activity: 'flaky', attempt: 1 } });
    expect(String(retry?.fields?.error)).toContain('first try fails');
    const failed = logger.lines.find((l) => l.message.includes('orchestration "fails" failed'));
    expect(failed).toMatchObject({ level: 'warn', fields: { instanceId: failing, name: 'fails', error: 'Error: broken on purpose' } });
  });

  it('raiseEvent, enqueueEvent and cancelInstance on an unknown instance throw InstanceNotFoundError and change nothing', async () => {
    const { runtime } = await startRuntime(() => {});
    await expect(runtime.client.raiseEvent('no-such', 'e', 1)).rejects.toBeInstanceOf(InstanceNotFoundError);
    await expect(runtime.client.enqueueEvent('no-such', 'q', 1)).rejects.toBeInstanceOf(InstanceNotFoundError);
    await expect(runtime.client.cancelInstance('no-such')).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect(await runtime.client.listInstances()).toEqual([]);
  });
});
