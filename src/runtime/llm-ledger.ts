/**
 * The LLM ledger of one execution: tokens used (in total and per model), the budget set with
 * `ctx.setLlmBudget`, and what the orchestration has seen so far (the context that
 * `generateWithContext` sends). Everything is rebuilt from history on replay, never stored.
 * `LlmBudget` is also the agent's `maxCost`.
 */
import { LlmBudgetExceededError } from './errors.js';
import type { HistoryEvent, LlmUsage, OrchestrationStarted } from './history.js';
import type { ContextItem, OrchestrationSnapshot } from '../llm/operations/generate-with-context.js';

/** A budget for LLM calls: tokens, or money through a price table. */
export interface LlmBudget {
  maxTokens?: number;
  maxCostUsd?: number;
  /** USD per million tokens, by model name (`*` for any other model). */
  prices?: Record<string, { inputPerMTok: number; outputPerMTok: number }>;
}

/** Cost in USD of `usageByModel` at `prices` (models without a price cost nothing). */
export function costUsd(usageByModel: ReadonlyMap<string, LlmUsage>, prices: NonNullable<LlmBudget['prices']>): number {
  let total = 0;
  for (const [model, u] of usageByModel) {
    const p = prices[model] ?? prices['*'];
    if (p) total += (u.input * p.inputPerMTok + u.output * p.outputPerMTok) / 1_000_000;
  }
  return total;
}

/** Why `budget` is spent by this usage, or null while it is not. */
export function budgetSpent(budget: LlmBudget, usageByModel: ReadonlyMap<string, LlmUsage>): string | null {
  let tokens = 0;
  for (const u of usageByModel.values()) tokens += u.input + u.output;
  if (budget.maxTokens !== undefined && tokens >= budget.maxTokens) return `used ${tokens} LLM tokens, budget ${budget.maxTokens}`;
  if (budget.maxCostUsd !== undefined && budget.prices) {
    const cost = costUsd(usageByModel, budget.prices);
    if (cost >= budget.maxCostUsd) return `spent $${cost.toFixed(4)} on LLM calls, budget $${budget.maxCostUsd}`;
  }
  return null;
}

export class LlmLedger {
  private total: LlmUsage = { input: 0, output: 0 };
  /** Usage per model, for budgets priced per model. */
  readonly byModel = new Map<string, LlmUsage>();
  budget: LlmBudget | null = null;

  get usage(): LlmUsage {
    return this.total;
  }

  add(u: LlmUsage, model: string): void {
    this.total = { input: this.total.input + u.input, output: this.total.output + u.output };
    const m = this.byModel.get(model) ?? { input: 0, output: 0 };
    this.byModel.set(model, { input: m.input + u.input, output: m.output + u.output });
  }

  /** Throws LlmBudgetExceededError, before a provider is called, once the budget is spent. */
  assertWithinBudget(operation: string): void {
    const spent = this.budget && budgetSpent(this.budget, this.byModel);
    if (spent) {
      throw new LlmBudgetExceededError(
        `ctx.${operation}() was not sent: this execution ${spent}. Raise the budget with ctx.setLlmBudget() or end the work here.`,
      );
    }
  }
}

/** What the orchestration has seen up to (not including) `history[upTo]`: for prompts. */
export function contextSnapshot(
  instanceId: string,
  started: OrchestrationStarted,
  history: readonly HistoryEvent[],
  upTo: number,
  customStatus: unknown,
): OrchestrationSnapshot {
  const items: ContextItem[] = [];
  const names = new Map<number, string>();
  for (const e of history.slice(0, upTo)) {
    if (e.kind === 'ActivityScheduled') names.set(e.eventId, e.name);
    else if (e.kind === 'LlmRequested') names.set(e.eventId, e.operation);
    const item = contextItem(e, names);
    if (item) items.push(item);
  }
  return {
    name: started.name,
    version: started.version,
    instanceId,
    executionId: started.executionId,
    items,
    ...(customStatus !== undefined ? { customStatus } : {}),
  };
}

function contextItem(e: HistoryEvent, names: Map<number, string>): ContextItem | null {
  switch (e.kind) {
    case 'ActivityCompleted':
      return { kind: 'activity', name: names.get(e.sourceEventId), ok: true, value: e.result };
    case 'ActivityFailed':
      return { kind: 'activity', name: names.get(e.sourceEventId), ok: false, value: e.error.message };
    case 'TimerFired':
      return { kind: 'timer fired' };
    case 'ExternalEvent':
      return { kind: 'event', name: e.name, value: e.data };
    case 'SubOrchestrationCompleted':
      return { kind: 'sub-orchestration', ok: true, value: e.result };
    case 'SubOrchestrationFailed':
      return { kind: 'sub-orchestration', ok: false, value: e.error.message };
    case 'LlmCompleted':
      return { kind: 'llm', name: names.get(e.sourceEventId), ok: true, value: e.result };
    default:
      return null;
  }
}
