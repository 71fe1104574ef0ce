/**
 * Runs one LLM work item on a worker, like an activity: call the provider, then ack the item
 * together with its LlmCompleted/LlmFailed message. The replay never calls a provider.
 */
import { LlmProviderNotConfiguredError, toErrorDetails } from './errors.js';
import { LockLostError } from '../store/errors.js';
import type { Json } from './history.js';
import { poisonDetails } from './poison.js';
import { runLeasedWorkItem, type LeasedItem, type LeasedWorkOptions } from './leased-work-item.js';
import type { LlmWorkItem, OrchestratorMessage } from './messages.js';
import type { LlmProvider, LlmRequest, LlmResponse } from '../llm/provider.js';
import type { Telemetry } from './telemetry.js';


export interface LlmWorkerOptions extends LeasedWorkOptions {
  providers: ReadonlyMap<string, LlmProvider>;
  recordPrompts: boolean;
  /** Deliveries of one LLM call before it fails as poison instead of being sent again. */
  maxAttempts: number;
  telemetry?: Telemetry;
}

/** OpenTelemetry GenAI semantic conventions: the request side of an LLM span. */
function genAiRequest(item: LlmWorkItem, provider: LlmProvider, request: LlmRequest) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider.name,
    'gen_ai.system': provider.name,
    'gen_ai.request.model': request.model ?? provider.model,
    'gen_ai.request.max_tokens': request.maxTokens,
    'gen_ai.request.temperature': request.temperature,
    'duroxide.instance_id': item.instanceId,
    'duroxide.llm.operation': item.operation,
  };
}

function genAiResponse(r: LlmResponse) {
  return {
    'gen_ai.response.model': r.model,
    'gen_ai.usage.input_tokens': r.usage.input,
    'gen_ai.usage.output_tokens': r.usage.output,
    'gen_ai.response.finish_reasons': [r.finishReason],
  };
}

export async function runLlmItem(locked: LeasedItem, opts: LlmWorkerOptions): Promise<void> {
  const item = locked.item as LlmWorkItem;
  const base = { instanceId: item.instanceId, executionId: item.executionId, sourceEventId: item.eventId };
  await runLeasedWorkItem(
    locked,
    opts,
    async (stop, fence): Promise<OrchestratorMessage> => {
      const poison = poisonDetails(`The LLM call ctx.${item.operation}()`, locked.attempt, opts.maxAttempts);
      if (poison) return { kind: 'LlmFailed', ...base, error: poison };
      await fence(); // never bill a call whose lease another worker may hold now
      try {
        const provider = opts.providers.get(item.provider);
        if (!provider) throw new LlmProviderNotConfiguredError(item.provider, [...opts.providers.keys()]);
        const request = { ...(item.request as unknown as LlmRequest), signal: stop.signal, beforeAttempt: fence };
        const response = await (opts.telemetry
          ? opts.telemetry.inSpan(item.instanceId, `chat ${request.model ?? provider.model}`, genAiRequest(item, provider, request), async (span) => {
              const r = await provider.complete(request);
              span?.setAttributes(genAiResponse(r));
              return r;
            })
          : provider.complete(request));
        return {
          kind: 'LlmCompleted',
          ...base,
          result: response.text,
          tokensUsed: response.usage,
          model: response.model,
          ...(opts.recordPrompts ? { raw: { text: response.text, finishReason: response.finishReason } as Json } : {}),
        };
      } catch (err) {
        if (err instanceof LockLostError) throw err;
        const usage = (err as { usage?: { input: number; output: number } }).usage;
        return { kind: 'LlmFailed', ...base, error: toErrorDetails(err), ...(usage ? { tokensUsed: usage } : {}) };
      }
    },
    { beforeRun: 'before-llm-call', beforeAck: 'before-llm-ack', afterAck: 'after-llm-ack' },
  );
}
