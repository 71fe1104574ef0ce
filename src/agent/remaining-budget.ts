/**
 * What is left of an agent run's `maxCost` after the usage of earlier iterations: the budget
 * each execution gives `ctx.setLlmBudget`, so the ledger refuses a call that would go past it.
 */
import type { LlmUsage } from '../runtime/history.js';
import { costUsd, type LlmBudget } from '../runtime/llm-ledger.js';

export function remainingBudget(budget: LlmBudget, used: LlmUsage, model: string | undefined): LlmBudget {
  const left: LlmBudget = { ...budget };
  if (budget.maxTokens !== undefined) left.maxTokens = budget.maxTokens - used.input - used.output;
  if (budget.maxCostUsd !== undefined && budget.prices) {
    // Earlier iterations are priced at the planning model's price, as overBudget does.
    left.maxCostUsd = budget.maxCostUsd - costUsd(new Map([[model ?? '*', used]]), budget.prices);
  }
  return left;
}
