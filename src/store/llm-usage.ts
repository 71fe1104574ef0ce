/** Folding LLM completion events into per-instance token totals (the management read `summarizeLlmUsage`). */
import type { HistoryEvent } from '../runtime/history.js';
import type { LlmUsageSummary } from './store.js';

/** Text every stored LLM completion event contains: a cheap filter before parsing. */
export const LLM_EVENT_MARK = '"kind":"Llm';

export function addLlmUsage(into: Record<string, LlmUsageSummary>, instanceId: string, e: HistoryEvent): void {
  if (e.kind !== 'LlmCompleted' && e.kind !== 'LlmFailed') return;
  const s = (into[instanceId] ??= { input: 0, output: 0, calls: 0, byModel: {} });
  s.calls++;
  const used = e.tokensUsed;
  if (!used) return;
  s.input += used.input;
  s.output += used.output;
  const m = (s.byModel[e.kind === 'LlmCompleted' ? e.model : '*'] ??= { input: 0, output: 0 });
  m.input += used.input;
  m.output += used.output;
}
