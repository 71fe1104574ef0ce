/** The console API from the browser: same origin, relative to the page (works under any prefix). */
import type { NodeRun } from '../../overlay.js';
import type { LlmCallRow as LlmCall } from '../../llm-calls.js';
import type { PendingWait as Wait } from '../../approvals.js';
import type { TimelineBar as Bar } from '../../timeline.js';
import type { HistorySize } from '../../history-size-view.js';
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Status = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Cancelled';
export const STATUSES: Status[] = ['Pending', 'Running', 'Completed', 'Failed', 'Cancelled'];

export interface Instance {
  instanceId: string;
  name: string;
  version: string | null;
  status: Status;
  executionId: number;
  output?: Json;
  error?: { name: string; message: string; stack?: string };
  customStatus?: Json;
  parentInstanceId?: string;
  createdAtMs: number;
  updatedAtMs: number;
  llm?: { input: number; output: number; calls: number; costUsd: number | null };
}

export interface ListPage {
  instances: Instance[];
  total: number;
  counts: Partial<Record<Status, number>>;
  limit: number;
  offset: number;
}

export type NodeState = 'done' | 'waiting' | 'failed' | 'cancelled' | 'passed' | 'not_taken' | 'pending';
export interface FlowNode {
  id: string;
  kind: string;
  name?: string;
  label?: string;
  line?: number;
}
// Shapes the server sends, from the modules that build them (types only: nothing of the server is bundled).
export type { NodeRun, LlmCall, Wait, Bar, HistorySize };
export type TranscriptEntry = { iteration: number; kind: string; [k: string]: unknown };

export interface Detail {
  instance: Instance;
  executions: { executionId: number; startedAtMs: number; endedAtMs: number | null; outcome: string; input: Json; events: number }[];
  executionId: number;
  parent: { instanceId: string; name: string; status: Status } | null;
  children: { instanceId: string; name: string; status: string }[];
  codeSite: string | null;
  input: Json;
  diagram: { name: string; version: string | null; graph: { nodes: FlowNode[]; edges: { from: string; to: string; label?: string }[] }; mermaid: string; file?: string; source: string; otherVersion?: boolean } | null;
  overlay: { nodes: Record<string, NodeRun>; matchedBy: string; unmapped: number[] } | null;
  timeline: { startMs: number; endMs: number; bars: Bar[]; omitted: number };
  ledger: { calls: LlmCall[]; totals: { calls: number; input: number; output: number; costUsd: number | null }; budget: { tokens?: { used: number; limit: number }; usd?: { used: number; limit: number }; source: string } | null };
  transcript: TranscriptEntry[] | null;
  waits: Wait[];
  historyLength: number;
  historySize: HistorySize;
}

export interface HistoryEvent {
  eventId: number;
  timestampMs: number;
  kind: string;
  [k: string]: unknown;
}

const root = new URL('.', location.href);
export const apiUrl = (path: string) => new URL(`api/${path}`, root).toString();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`);
  return body as T;
}

export async function get<T>(path: string): Promise<T> {
  return parse<T>(await fetch(apiUrl(path), { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(await fetch(apiUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body) }));
}

export const enc = encodeURIComponent;

/** Live updates: one EventSource for the page; listeners get the ids of instances that changed. */
type Changed = { instanceId: string; status: Status; updatedAtMs: number }[];
const listeners = new Set<(changed: Changed) => void>();
let source: EventSource | null = null;
export function onChange(listener: (changed: Changed) => void): () => void {
  listeners.add(listener);
  ensureSource();
  return () => listeners.delete(listener);
}

/** Like onChange, at most one call per `ms` (for views that reload a whole list). */
export function onChangeThrottled(listener: () => void, ms: number): () => void {
  let timer: number | undefined;
  let last = 0;
  const off = onChange(() => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      last = Date.now();
      listener();
    }, Math.max(0, last + ms - Date.now()));
  });
  return () => {
    clearTimeout(timer);
    off();
  };
}

function ensureSource(): void {
  if (!source) {
    source = new EventSource(apiUrl('events'));
    source.addEventListener('instances', (e) => {
      const changed = JSON.parse((e as MessageEvent<string>).data) as Changed;
      for (const l of listeners) l(changed);
    });
  }
}
