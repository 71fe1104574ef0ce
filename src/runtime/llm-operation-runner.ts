/**
 * Runs an LLM operation inside an orchestration. The operation's spec (src/llm/operations)
 * builds requests and parses answers purely; this loop lives in the orchestration, so every
 * attempt — a re-ask after an invalid answer included — is its own LlmRequested/LlmCompleted
 * pair in history, and a replay walks the same attempts without calling the model.
 */
import type { LlmCallOptions } from './context-api.js';
import { LlmOperationFailedError } from './errors.js';
import type { Json } from './history.js';
import { jsonHash } from './json-value.js';
import type { OperationSpec } from '../llm/operations/operation-spec.js';
import type { TextValidator } from '../llm/operations/generate-validated.js';
import type { LlmRequest, LlmResponse } from '../llm/provider.js';
import type { OrchestrationContextImpl } from './orchestration-context.js';


export async function runLlmOperation<A, T>(
  ctx: OrchestrationContextImpl,
  spec: OperationSpec<A, T>,
  args: A,
  opts: LlmCallOptions = {},
  validator?: TextValidator,
): Promise<T> {
  const options: Record<string, Json> = {};
  for (const key of ['model', 'temperature', 'maxTokens', 'seed'] as const) {
    if (opts[key] !== undefined) options[key] = opts[key] as Json;
  }
  const input = spec.hashInput(args);
  const maxAttempts = Math.max(1, spec.maxAttempts(args));
  let feedback: string | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    ctx.assertWithinLlmBudget(spec.operation);
    const request: LlmRequest = { ...spec.buildRequest(args, attempt, feedback), ...(options as Partial<LlmRequest>) };
    const call = await ctx.requestLlm({
      operation: spec.operation,
      promptHash: jsonHash({ operation: spec.operation, input, options, attempt }),
      provider: opts.provider ?? 'default',
      ...(opts.model !== undefined ? { model: opts.model } : {}),
      options,
      request: request as unknown as Json,
      ...(ctx.recordsPrompts ? { prompt: request as unknown as Json } : {}),
      dedupe: opts.dedupe,
    });
    const response: LlmResponse = {
      text: typeof call.result === 'string' ? call.result : JSON.stringify(call.result),
      usage: call.tokensUsed,
      model: call.model,
      finishReason: 'stop',
    };
    const parsed = spec.parse(response, args);
    if (!parsed.ok) {
      feedback = parsed.feedback;
      continue;
    }
    const verdict = validator ? await validator(response.text) : true;
    if (verdict === true) return parsed.value;
    feedback = typeof verdict === 'string' && verdict ? verdict : 'the validator rejected the answer';
  }
  throw new LlmOperationFailedError(spec.operation, maxAttempts, feedback ?? 'no answer');
}
