/** Guardrails of a dynamic (LLM-planned) orchestration run. */
import type { LlmCallOptions } from '../runtime/context-api.js';

export interface LlmOrchestrationConfig {
  /** Planning iterations before the run stops with `max_iterations` (default 10). */
  maxIterations?: number;
  /** Stop before the next plan once this is spent: tokens, or USD at the given prices. */
  maxCost?: { tokens?: number; usd?: number; pricePerMTok?: { input: number; output: number } };
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

export type ResolvedAgentConfig = Required<Omit<LlmOrchestrationConfig, 'maxCost' | 'approvalTimeoutMs' | 'timeoutMs' | 'allowedTools' | 'llm'>> &
  Pick<LlmOrchestrationConfig, 'maxCost' | 'approvalTimeoutMs' | 'timeoutMs' | 'allowedTools' | 'llm'>;

export function resolveConfig(c: LlmOrchestrationConfig = {}): ResolvedAgentConfig {
  return {
    maxIterations: c.maxIterations ?? 10,
    approvalRequired: c.approvalRequired ?? [],
    forbiddenTools: c.forbiddenTools ?? [],
    maxContextTokens: c.maxContextTokens ?? 4000,
    maxHallucinations: c.maxHallucinations ?? 3,
    ...(c.maxCost ? { maxCost: c.maxCost } : {}),
    ...(c.approvalTimeoutMs !== undefined ? { approvalTimeoutMs: c.approvalTimeoutMs } : {}),
    ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
    ...(c.allowedTools ? { allowedTools: c.allowedTools } : {}),
    ...(c.llm ? { llm: c.llm } : {}),
  };
}
