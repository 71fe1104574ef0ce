/**
 * `ctx.generateWithContext(prompt, options)`: the prompt plus what the orchestration knows —
 * its name, version and ids, recent activity results, timers fired, events received, custom
 * status and caller data — trimmed oldest first to `maxContextTokens`. `includeHistory`
 * (timers, events, sub-orchestrations, earlier LLM answers), `includeActivityResults` and
 * `includeState` (custom status) each default to true; false leaves that part out.
 */
import { estimateTokens } from '../token-estimate.js';
import { withFeedback, type OperationSpec } from './operation-spec.js';

export interface ContextItem {
  /** `activity`, `event`, `timer`, `llm` … */
  kind: string;
  name?: string;
  ok?: boolean;
  value?: unknown;
}

export interface OrchestrationSnapshot {
  name: string;
  version: string;
  instanceId: string;
  executionId: number;
  /** Oldest first. */
  items: ContextItem[];
  customStatus?: unknown;
}

export interface ContextArgs {
  prompt: string;
  system?: string;
  snapshot: OrchestrationSnapshot;
  custom?: unknown;
  maxContextTokens?: number;
  includeHistory?: boolean;
  includeState?: boolean;
  includeActivityResults?: boolean;
}

/** Whether an item is sent, given the include flags. */
function included(i: ContextItem, a: ContextArgs): boolean {
  return i.kind === 'activity' ? a.includeActivityResults !== false : a.includeHistory !== false;
}

function renderItem(i: ContextItem): string {
  const status = i.ok === undefined ? '' : i.ok ? ' (succeeded)' : ' (failed)';
  const value = i.value === undefined ? '' : `: ${JSON.stringify(i.value)}`;
  return `- ${i.kind}${i.name ? ` ${i.name}` : ''}${status}${value}`;
}

/** The context block, dropping the oldest items until it fits the token budget. */
export function renderContext(a: ContextArgs): string {
  const s = a.snapshot;
  const head = [
    `Orchestration: ${s.name} v${s.version} (instance ${s.instanceId}, execution ${s.executionId})`,
    ...(s.customStatus !== undefined && a.includeState !== false ? [`Custom status: ${JSON.stringify(s.customStatus)}`] : []),
    ...(a.custom !== undefined ? [`Caller context: ${JSON.stringify(a.custom)}`] : []),
  ];
  let items = s.items.filter((i) => included(i, a)).map(renderItem);
  const budget = a.maxContextTokens ?? Number.POSITIVE_INFINITY;
  const size = () => estimateTokens([...head, ...items].join('\n'));
  let dropped = 0;
  while (items.length && size() > budget) {
    items = items.slice(1);
    dropped++;
  }
  const history = items.length ? ['What happened so far (oldest first):', ...(dropped ? [`- (${dropped} older entries omitted)`] : []), ...items] : [];
  return [...head, ...history].join('\n');
}

export const INCLUDE_FLAGS = ['includeHistory', 'includeState', 'includeActivityResults'] as const;

export const generateWithContextSpec: OperationSpec<ContextArgs, string> = {
  operation: 'generateWithContext',
  // The include flags join the hash only when given, so histories recorded before them replay.
  hashInput: (a) => ({
    prompt: a.prompt,
    system: a.system ?? null,
    custom: a.custom ?? null,
    maxContextTokens: a.maxContextTokens ?? null,
    ...Object.fromEntries(INCLUDE_FLAGS.filter((k) => a[k] !== undefined).map((k) => [k, a[k]])),
  }),
  buildRequest: (a, _attempt, feedback) => ({
    system: [a.system, `Context of the running workflow:\n${renderContext(a)}`].filter(Boolean).join('\n\n'),
    prompt: withFeedback(a.prompt, feedback),
  }),
  parse: (r) => ({ ok: true, value: r.text }),
  maxAttempts: () => 1,
};
