/** The LLM ledger shows a ctx.setLlmBudget budget against the execution's use (it is recorded in history). */
import { describe, expect, it } from 'vitest';
import { ConsoleApi } from '../../src/console/console-api.js';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { startRuntime } from '../runtime/runtime-harness.js';

describe('LLM budget in the ledger', () => {
  it('a budget set with ctx.setLlmBudget is recorded once and shown with what was used', async () => {
    const { runtime } = await startRuntime(
      (rt) =>
        rt.registerOrchestration('budgeted', async (ctx) => {
          ctx.setLlmBudget({ maxTokens: 500 });
          const a = await ctx.generate('one');
          await ctx.scheduleTimer(5);
          return [a, await ctx.generate('two')];
        }),
      { llm: new MockLlmProvider(() => ({ text: 'ok', usage: { input: 10, output: 5 } })), executionCache: false },
    );
    const id = await runtime.client.startOrchestration('budgeted');
    await runtime.client.getResult(id);
    const history = await runtime.client.readHistory(id);
    expect(history.filter((e) => e.kind === 'LlmBudgetSet')).toEqual([expect.objectContaining({ budget: { maxTokens: 500 } })]);
    const detail = await new ConsoleApi(runtime.store).instance(id);
    expect(detail.ledger.budget).toEqual({ source: 'ctx.setLlmBudget (this execution)', tokens: { used: 30, limit: 500 } });
  });
});
