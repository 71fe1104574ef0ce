/**
 * One error root: every error class the package exports derives from DuroxideError with a
 * stable code, and an error stored in history comes back as its own class.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { DuroxideError } from '../../src/duroxide-error.js';
import { fromErrorDetails, toErrorDetails } from '../../src/runtime/errors.js';
import { startRuntime } from './runtime-harness.js';

const errorClasses = Object.entries(api).filter(
  ([name, value]) => typeof value === 'function' && name.endsWith('Error') && value.prototype instanceof Error,
) as [string, new (...a: never[]) => Error][];

describe('error classes', () => {
  it('every exported error class derives from DuroxideError', () => {
    expect(errorClasses.length).toBeGreaterThan(25);
    for (const [name, cls] of errorClasses) {
      expect(cls === DuroxideError || cls.prototype instanceof DuroxideError, name).toBe(true);
    }
  });

  it('codes are stable and derived from the class name', () => {
    expect(new api.LlmRateLimitError('x').code).toBe('LLM_RATE_LIMIT_ERROR');
    expect(new api.NondeterminismError('x').code).toBe('NONDETERMINISM_ERROR');
    expect(new api.StoreFormatError('x').code).toBe('STORE_FORMAT_ERROR');
    expect(new api.LockLostError('t', 'w').code).toBe('LOCK_LOST_ERROR');
    expect(DuroxideError.is(new api.InvalidSchemaError('s', 'd'))).toBe(true);
    expect(DuroxideError.is(new Error('plain'))).toBe(false);
  });

  it('every known class survives the trip through history as itself', () => {
    for (const [name, cls] of errorClasses) {
      const back = fromErrorDetails({ name: cls.name, message: `m-${name}` });
      expect(back, name).toBeInstanceOf(cls);
      expect(back.message).toBe(`m-${name}`);
      expect((back as DuroxideError).code).toBe(cls.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
    }
    const unknown = fromErrorDetails({ name: 'TypeError', message: 'user code' });
    expect(unknown.name).toBe('TypeError');
    expect(DuroxideError.is(unknown)).toBe(false);
  });

  it('a provider failure is an LlmRateLimitError inside the orchestration (instanceof, code, retryable)', async () => {
    const { runtime } = await startRuntime(
      (rt) =>
        rt.registerOrchestration('asks', async (ctx) => {
          try {
            await ctx.generate('hello');
            return 'answered';
          } catch (e) {
            return { rateLimited: e instanceof api.LlmRateLimitError, code: (e as DuroxideError).code, retryable: (e as { retryable?: boolean }).retryable };
          }
        }),
      {
        llm: new api.MockLlmProvider(() => new api.LlmRateLimitError('mock: slow down (HTTP 429)', { retryable: true, status: 429 })),
        llmReliability: { maxAttempts: 1 },
      },
    );
    const out = await runtime.client.getResult(await runtime.client.startOrchestration('asks'));
    expect(out).toEqual({ rateLimited: true, code: 'LLM_RATE_LIMIT_ERROR', retryable: true });
    expect(toErrorDetails(new api.LlmRateLimitError('x', { retryable: true }))).toMatchObject({ name: 'LlmRateLimitError', retryable: true });
  });
});
