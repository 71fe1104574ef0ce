/**
 * The agent's transcript: every plan, action, result, error and rejection. The full entries
 * of each iteration are kept in that execution's history; the context carried between
 * iterations is a compacted copy that fits `maxContextTokens`.
 */
import { estimateTokens } from '../llm/token-estimate.js';

export type TranscriptEntry =
  | { iteration: number; kind: 'plan'; thought: string; actions: { tool: string; id: string; params: unknown }[]; parallel: boolean; done: boolean }
  | { iteration: number; kind: 'result'; id: string; tool: string; ok: true; value: unknown }
  | { iteration: number; kind: 'result'; id: string; tool: string; ok: false; error: string }
  | { iteration: number; kind: 'rejected'; id: string; tool: string; reason: string }
  | { iteration: number; kind: 'invalid'; id: string; tool: string; reason: string }
  | { iteration: number; kind: 'approval'; id: string; tool: string; approved: boolean; reason?: string }
  | { iteration: number; kind: 'omitted'; count: number };

export function entryText(e: TranscriptEntry): string {
  switch (e.kind) {
    case 'plan':
      return `[${e.iteration}] thought: ${e.thought}${e.actions.length ? ` -> ${e.actions.map((a) => `${a.tool}#${a.id}(${JSON.stringify(a.params)})`).join(', ')}` : ''}`;
    case 'result':
      return e.ok ? `[${e.iteration}] ${e.tool}#${e.id} returned ${JSON.stringify(e.value)}` : `[${e.iteration}] ${e.tool}#${e.id} FAILED: ${e.error}`;
    case 'rejected':
      return `[${e.iteration}] ${e.tool}#${e.id} was REFUSED: ${e.reason}`;
    case 'invalid':
      return `[${e.iteration}] ${e.tool}#${e.id} was NOT RUN: ${e.reason}`;
    case 'approval':
      return `[${e.iteration}] approval for ${e.tool}#${e.id}: ${e.approved ? 'approved' : 'rejected'}${e.reason ? ` (${e.reason})` : ''}`;
    case 'omitted':
      return `(${e.count} older entries omitted)`;
  }
}

/** Keeps the newest entries that fit `maxTokens`, noting how many older ones were dropped. */
export function compactTranscript(entries: TranscriptEntry[], maxTokens: number): TranscriptEntry[] {
  let dropped = 0;
  const kept: TranscriptEntry[] = [];
  let tokens = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === 'omitted') {
      dropped += e.count;
      continue;
    }
    const t = estimateTokens(entryText(e));
    if (tokens + t > maxTokens) {
      dropped += i + 1 - entries.slice(0, i + 1).filter((x) => x.kind === 'omitted').length;
      for (const x of entries.slice(0, i + 1)) if (x.kind === 'omitted') dropped += x.count;
      break;
    }
    tokens += t;
    kept.unshift(e);
  }
  return dropped ? [{ iteration: kept[0]?.iteration ?? 0, kind: 'omitted', count: dropped }, ...kept] : kept;
}
