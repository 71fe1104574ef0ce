/** Guardrails of a dynamic (LLM-planned) orchestration run. */
import type { LlmCallOptions } from '../runtime/context-api.js';
import type { LlmBudget } from '../runtime/llm-ledger.js';

/** The earlier shape of `maxCost`, still accepted. */
export interface LegacyAgentCost {
  tokens?: number;
  usd?: number;
  pricePerMTok?: { input: number; output: number };
}

export interface AgentConfig {
  /** Planning iterations before the run stops with `max_iterations` (default 10). */
  maxIterations?: number;
  /**
   * Stop before the next plan once this is spent: the same budget type as ctx.setLlmBudget
   * (`{ maxTokens }`, or `{ maxCostUsd, prices }` with prices by model or `*`). The earlier
   * `{ tokens, usd, pricePerMTok }` is accepted too.
   */
  maxCost?: LlmBudget | LegacyAgentCost;
  /** Tools that wait for `approval:<actionId>` carrying `{ approved, reason? }`. */
  approvalRequired?: string[];
  /** How long an approval may take before the action counts as rejected (default: forever). */
  approvalTimeoutMs?: number;
  /** Tools that are refused without running, even when the LLM asks for them. */
  forbiddenTools?: string[];
  /** When set, only these tools are offered and allowed. */
  allowedTools?: string[];
  /** The whole run, across iterations: a durable timer raced against the work. */
  timeoutMs?: number;
  /** Budget for the context sent to the LLM and carried between iterations (default 4,000). */
  maxContextTokens?: number;
  /** Unknown tools or invalid params tolerated before the run ends (default 3). */
  maxHallucinations?: number;
  /** Provider, model and sampling options for the planning calls. */
  llm?: LlmCallOptions;
}

/** @deprecated Use AgentConfig (the same type). */
export type LlmOrchestrationConfig = AgentConfig;

export type ResolvedAgentConfig = Required<Omit<AgentConfig, 'maxCost' | 'approvalTimeoutMs' | 'timeoutMs' | 'allowedTools' | 'llm'>> &
  Pick<AgentConfig, 'approvalTimeoutMs' | 'timeoutMs' | 'allowedTools' | 'llm'> & { maxCost?: LlmBudget };

/** The budget in one shape, whichever shape it was given in. */
export function toBudget(cost: LlmBudget | LegacyAgentCost): LlmBudget {
  if (!('tokens' in cost || 'usd' in cost || 'pricePerMTok' in cost)) return cost as LlmBudget;
  const legacy = cost as LegacyAgentCost;
  return {
    ...(legacy.tokens !== undefined ? { maxTokens: legacy.tokens } : {}),
    ...(legacy.usd !== undefined ? { maxCostUsd: legacy.usd } : {}),
    ...(legacy.pricePerMTok ? { prices: { '*': { inputPerMTok: legacy.pricePerMTok.input, outputPerMTok: legacy.pricePerMTok.output } } } : {}),
  };
}

export function resolveConfig(c: AgentConfig = {}): ResolvedAgentConfig {
  return {
    maxIterations: c.maxIterations ?? 10,
    approvalRequired: c.approvalRequired ?? [],
    forbiddenTools: c.forbiddenTools ?? [],
    maxContextTokens: c.maxContextTokens ?? 4000,
    maxHallucinations: c.maxHallucinations ?? 3,
    ...(c.maxCost ? { maxCost: toBudget(c.maxCost) } : {}),
    ...(c.approvalTimeoutMs !== undefined ? { approvalTimeoutMs: c.approvalTimeoutMs } : {}),
    ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
    ...(c.allowedTools ? { allowedTools: c.allowedTools } : {}),
    ...(c.llm ? { llm: c.llm } : {}),
  };
}
