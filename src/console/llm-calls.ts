/**
 * The LLM ledger as the console shows it: every LLM call of an instance (all executions) with
 * operation, provider, model, tokens, cost, latency and re-asks; prompt and answer when the
 * runtime recorded prompts; totals and the budget against its limit.
 */
import type { HistoryEvent, Json, LlmRequested } from '../runtime/history.js';

/** USD per million tokens, by model (`*` for any other model). */
export type PriceTable = Record<string, { inputPerMTok: number; outputPerMTok: number }>;

export interface LlmCallRow {
  executionId: number;
  eventId: number;
  operation: string;
  provider: string;
  model: string | null;
  input: number;
  output: number;
  /** Null when no price is known for the model. */
  costUsd: number | null;
  latencyMs: number | null;
  status: 'ok' | 'failed' | 'running';
  /** A re-ask (the answer before it was invalid) or an identical request answered by an earlier one. */
  reask: boolean;
  dedupeOf?: number;
  prompt?: Json;
  answer?: Json;
  error?: string;
}

export interface LlmBudgetView {
  tokens?: { used: number; limit: number };
  usd?: { used: number; limit: number };
  source: string;
}

export interface LlmLedgerView {
  calls: LlmCallRow[];
  totals: { calls: number; input: number; output: number; costUsd: number | null };
  budget: LlmBudgetView | null;
}

function price(prices: PriceTable, model: string | null): PriceTable[string] | undefined {
  return (model !== null ? prices[model] : undefined) ?? prices['*'];
}

export function llmCalls(executions: { executionId: number; history: HistoryEvent[] }[], prices: PriceTable, nowMs: number): LlmCallRow[] {
  const rows: LlmCallRow[] = [];
  for (const { executionId, history } of executions) {
    const requests = new Map<number, LlmRequested>();
    const anySite = history.some((e) => e.kind === 'LlmRequested' && e.site);
    let previousOp: string | undefined;
    for (const e of history) {
      if (e.kind === 'LlmRequested') {
        requests.set(e.eventId, e);
        const reask = e.dedupeOf !== undefined || (anySite && !e.site && previousOp === e.operation);
        previousOp = e.operation;
        rows.push({
          executionId,
          eventId: e.eventId,
          operation: e.operation,
          provider: e.provider,
          model: e.model ?? null,
          input: 0,
          output: 0,
          costUsd: null,
          latencyMs: nowMs - e.timestampMs,
          status: 'running',
          reask,
          ...(e.dedupeOf !== undefined ? { dedupeOf: e.dedupeOf } : {}),
          ...(e.prompt !== undefined ? { prompt: e.prompt } : {}),
        });
      } else if (e.kind === 'LlmCompleted' || e.kind === 'LlmFailed') {
        const req = requests.get(e.sourceEventId);
        const row = rows.find((r) => r.executionId === executionId && r.eventId === e.sourceEventId);
        if (!req || !row) continue;
        const used = e.tokensUsed ?? { input: 0, output: 0 };
        row.input = used.input;
        row.output = used.output;
        row.latencyMs = e.timestampMs - req.timestampMs;
        if (e.kind === 'LlmCompleted') {
          row.status = 'ok';
          row.model = e.model;
          row.answer = e.result;
        } else {
          row.status = 'failed';
          row.error = `${e.error.name}: ${e.error.message}`;
        }
        const p = price(prices, row.model);
        row.costUsd = p ? (used.input * p.inputPerMTok + used.output * p.outputPerMTok) / 1_000_000 : null;
      }
    }
  }
  return rows;
}

/**
 * The budget recorded with the run: the agent's `maxCost` (its input config, over the whole
 * run), else the last `ctx.setLlmBudget` of the current execution (an LlmBudgetSet event),
 * against what that execution used.
 */
function recordedBudget(
  input: Json | undefined,
  used: { tokens: number; usd: number | null },
  current: { history: HistoryEvent[]; tokens: number; usd: number | null } | undefined,
): LlmBudgetView | null {
  const config = (input as { config?: { maxCost?: { tokens?: number; usd?: number; maxTokens?: number; maxCostUsd?: number } } } | null)?.config;
  const max = config?.maxCost;
  if (max) {
    const tokens = max.tokens ?? max.maxTokens;
    const usd = max.usd ?? max.maxCostUsd;
    return {
      source: 'agent config maxCost',
      ...(tokens !== undefined ? { tokens: { used: used.tokens, limit: tokens } } : {}),
      ...(usd !== undefined && used.usd !== null ? { usd: { used: used.usd, limit: usd } } : {}),
    };
  }
  const set = current ? [...current.history].reverse().find((e) => e.kind === 'LlmBudgetSet') : undefined;
  const budget = set?.kind === 'LlmBudgetSet' ? (set.budget as { maxTokens?: number; maxCostUsd?: number } | null) : null;
  if (!budget || !current) return null;
  return {
    source: 'ctx.setLlmBudget (this execution)',
    ...(budget.maxTokens !== undefined ? { tokens: { used: current.tokens, limit: budget.maxTokens } } : {}),
    ...(budget.maxCostUsd !== undefined && current.usd !== null ? { usd: { used: current.usd, limit: budget.maxCostUsd } } : {}),
  };
}

export function llmLedger(executions: { executionId: number; history: HistoryEvent[] }[], input: Json | undefined, prices: PriceTable, nowMs: number): LlmLedgerView {
  const agentPrice = (input as { config?: { maxCost?: { pricePerMTok?: { input: number; output: number } } } } | null)?.config?.maxCost?.pricePerMTok;
  const table: PriceTable = agentPrice ? { '*': { inputPerMTok: agentPrice.input, outputPerMTok: agentPrice.output }, ...prices } : prices;
  const calls = llmCalls(executions, table, nowMs);
  const input_ = calls.reduce((n, c) => n + c.input, 0);
  const output = calls.reduce((n, c) => n + c.output, 0);
  const priced = calls.filter((c) => c.input + c.output > 0);
  const costUsd = priced.length && priced.every((c) => c.costUsd !== null) ? priced.reduce((n, c) => n + (c.costUsd ?? 0), 0) : priced.length ? null : 0;
  return {
    calls,
    totals: { calls: calls.length, input: input_, output, costUsd },
    budget: recordedBudget(input, { tokens: input_ + output, usd: costUsd }, currentExecution(executions, calls)),
  };
}

/** The current (last) execution's history and what its LLM calls used. */
function currentExecution(executions: { executionId: number; history: HistoryEvent[] }[], calls: LlmCallRow[]) {
  const last = executions[executions.length - 1];
  if (!last) return undefined;
  const mine = calls.filter((c) => c.executionId === last.executionId);
  const usd = mine.every((c) => c.costUsd !== null) ? mine.reduce((n, c) => n + (c.costUsd ?? 0), 0) : null;
  return { history: last.history, tokens: mine.reduce((n, c) => n + c.input + c.output, 0), usd };
}

/** Token totals of a history (one execution), for the instances table. */
export function tokenTotals(history: HistoryEvent[]): { input: number; output: number; calls: number; byModel: Record<string, { input: number; output: number }> } {
  const t = { input: 0, output: 0, calls: 0, byModel: {} as Record<string, { input: number; output: number }> };
  for (const e of history) {
    if (e.kind !== 'LlmCompleted' && e.kind !== 'LlmFailed') continue;
    t.calls++;
    const u = e.tokensUsed;
    if (!u) continue;
    t.input += u.input;
    t.output += u.output;
    const model = e.kind === 'LlmCompleted' ? e.model : '*';
    const m = (t.byModel[model] ??= { input: 0, output: 0 });
    m.input += u.input;
    m.output += u.output;
  }
  return t;
}

export function costOf(byModel: Record<string, { input: number; output: number }>, prices: PriceTable): number | null {
  let total = 0;
  for (const [model, u] of Object.entries(byModel)) {
    if (u.input + u.output === 0) continue;
    const p = price(prices, model);
    if (!p) return null;
    total += (u.input * p.inputPerMTok + u.output * p.outputPerMTok) / 1_000_000;
  }
  return total;
}
