/**
 * The payload codec of the SQL stores: large values of history events (recorded prompts, LLM
 * answers, activity inputs and results…) are stored once, by content hash, in a `payloads`
 * table, and the event row keeps a reference. The runtime never sees references: rows are
 * encoded on write and resolved on every read.
 *
 * Granularity. A value whose JSON text reaches the threshold is kept (without its closing
 * character, see PayloadRef) as a chain of nodes, each
 * `(key, prev, body)`: the node spells the text of `prev` followed by `body`, and `key` is the
 * SHA-256 of the whole text it spells. So a text that extends one already stored (an agent's
 * transcript resent with one more turn) is stored as a node holding only the new part. The
 * stored prefix is found two ways:
 * - by hint: the texts this store object committed recently that begin with the same 64
 *   characters (then an exact `startsWith`), the usual case, which costs no query and stores
 *   no byte twice;
 * - by content: at content-defined chunk boundaries (`content-chunker.ts`, ~1 KB apart) the
 *   codec also writes a node, and a writer without a hint (another process, a restart) looks
 *   up the boundary prefixes of its text and stores only from the last one that exists.
 * Plain objects are walked property by property (so `raw.text` and `result` that hold the same
 * answer share one node); strings and arrays are kept whole as JSON text.
 *
 * Nodes are never deleted: the stores have no purge of instances, so no reference counting
 * is needed. A purge would have to sweep nodes no event row reaches.
 */
import { createHash, type Hash } from 'node:crypto';
import type { HistoryEvent } from '../runtime/history.js';
import { chunkBoundaries } from './content-chunker.js';
import { PayloadIntegrityError } from './errors.js';

/** Values whose JSON text is shorter than this stay inline in the event row. */
export const DEFAULT_PAYLOAD_THRESHOLD = 1024;

/** A row of the `payloads` table. */
export interface PayloadNode {
  /** SHA-256 of the full text this node spells. */
  key: Buffer;
  /** The node whose text comes first; null for the first node of a chain. */
  prev: Buffer | null;
  body: string;
}

/**
 * A reference in a stored event row: where the value was, the key and length of its stored
 * text, and the last character of its JSON text, which is not stored: `"abc` is a prefix of
 * `"abcdef` where `"abc"` is not (the same for `]` of a growing array).
 */
type PayloadRef = [path: string[], key: string, length: number, last: string];

/** The property under which an encoded row lists its references; events never have it. */
const REFS = '$payloads';

/** One turn's history delta, encoded: the rows to insert and the payload nodes they need. */
export interface EncodedEvents {
  rows: string[];
  nodes: PayloadNode[];
  /** Length of the plain events' JSON (what replay loads), for the history-size warning. */
  plainLength: number;
  /** Call after the transaction committed: later turns may then build on these texts. */
  committed(): void;
}

/** A plan that still needs to know which of `probe` (hex keys) exist in the store. */
export interface EncodePlan {
  probe: Buffer[];
  finish(existing: ReadonlySet<string>): EncodedEvents;
}

interface Hint {
  text: string;
  key: Buffer;
  /** The hash state after `text`: extending it hashes only the new part. */
  state: Hash;
}

/** A large value of one event, planned before the probe and finished after it. */
interface PendingValue {
  path: string[];
  /** The value's JSON text without its last character (`last`). */
  text: string;
  last: string;
  key: Buffer;
  /** Set when the nodes are known without a probe (a hint matched). */
  nodes?: PayloadNode[];
  /** Cold values: the keys of the boundary prefixes, in order, with their positions. */
  boundaries?: { at: number; key: Buffer }[];
}

/** Hints are grouped by their first characters: a text can only extend one that starts the same. */
const HINT_PREFIX = 64;
const MAX_HINT_GROUPS = 1024;
const HINTS_PER_GROUP = 8;
const MAX_HINT_CHARS = 32 * 1024 * 1024;

export class PayloadCodec {
  private readonly hints = new Map<string, Hint[]>();
  private hintChars = 0;

  constructor(readonly threshold = DEFAULT_PAYLOAD_THRESHOLD) {}

  /** Plans the rows of `events`; `finish` with the probed keys that exist. */
  plan(events: readonly HistoryEvent[]): EncodePlan {
    const pending: PendingValue[][] = [];
    const plain: string[] = [];
    const turnHints: Hint[] = [];
    let plainLength = 0;
    for (const e of events) {
      const json = JSON.stringify(e);
      plain.push(json);
      plainLength += json.length;
      const values: PendingValue[] = [];
      if (json.length >= this.threshold) this.collect(e as unknown as Record<string, unknown>, [], values, true);
      for (const v of values) this.planValue(v, turnHints);
      pending.push(values);
    }
    const probe = pending.flat().flatMap((v) => (v.nodes ? [] : [v.key, ...v.boundaries!.map((b) => b.key)]));
    return {
      probe,
      finish: (existing) => {
        const nodes: PayloadNode[] = [];
        const rows = events.map((e, i) => (pending[i].length === 0 ? plain[i] : this.encodedRow(e, pending[i], existing, nodes)));
        return { rows, nodes, plainLength, committed: () => this.remember(turnHints) };
      },
    };
  }

  /** Finds the strings and arrays in `obj` (recursively into plain objects) whose JSON text reaches the threshold. */
  private collect(obj: Record<string, unknown>, path: string[], out: PendingValue[], top: boolean): void {
    for (const [name, value] of Object.entries(obj)) {
      if (top && (name === 'kind' || name === 'eventId')) continue;
      if (value === null || typeof value === 'boolean' || typeof value === 'number' || value === undefined) continue;
      // Plain objects are walked, not measured: each large text is serialised once.
      if (typeof value === 'object' && !Array.isArray(value)) {
        this.collect(value as Record<string, unknown>, [...path, name], out, false);
        continue;
      }
      const text = JSON.stringify(value);
      if (text.length < this.threshold) continue;
      out.push({ path: [...path, name], text: text.slice(0, -1), last: text.slice(-1), key: EMPTY_KEY });
    }
  }

  /** Keys the value; with a matching hint also its nodes (only the new text is stored). */
  private planValue(v: PendingValue, turnHints: Hint[]): void {
    const hint = this.longestHint(v.text, [...turnHints, ...(this.hints.get(v.text.slice(0, HINT_PREFIX)) ?? [])]);
    if (hint) {
      const { key, state, nodes } = extend(hint, v.text);
      v.key = key;
      v.nodes = nodes;
      turnHints.unshift({ text: v.text, key, state });
      return;
    }
    const state = createHash('sha256');
    const boundaries: { at: number; key: Buffer }[] = [];
    let at = 0;
    for (const b of chunkBoundaries(v.text)) {
      state.update(v.text.slice(at, b));
      boundaries.push({ at: b, key: state.copy().digest() });
      at = b;
    }
    state.update(v.text.slice(at));
    v.key = state.copy().digest();
    v.boundaries = boundaries;
    turnHints.unshift({ text: v.text, key: v.key, state });
  }

  private longestHint(text: string, hints: Hint[]): Hint | undefined {
    let best: Hint | undefined;
    for (const h of hints) {
      if (h.text.length <= text.length && (!best || h.text.length > best.text.length) && text.startsWith(h.text)) best = h;
    }
    return best;
  }

  /** The row of an event with large values: placeholders (null) where they were, and the references. */
  private encodedRow(e: HistoryEvent, values: PendingValue[], existing: ReadonlySet<string>, nodes: PayloadNode[]): string {
    // Copies only along the paths to the large values: the event itself stays untouched.
    const copy: Record<string, unknown> = { ...e };
    const refs: PayloadRef[] = [];
    for (const v of values) {
      nodes.push(...(v.nodes ?? coldNodes(v, existing)));
      let parent = copy;
      for (const name of v.path.slice(0, -1)) parent = parent[name] = { ...(parent[name] as Record<string, unknown>) };
      parent[v.path[v.path.length - 1]] = null;
      refs.push([v.path, v.key.toString('hex'), v.text.length, v.last]);
    }
    copy[REFS] = refs as unknown as never;
    return JSON.stringify(copy);
  }

  /** Keeps the turn's texts as hints, newest first, within the bounds (least recently used groups go first). */
  private remember(turnHints: Hint[]): void {
    for (const hint of [...turnHints].reverse()) {
      const group = hint.text.slice(0, HINT_PREFIX);
      const old = this.hints.get(group) ?? [];
      this.hints.delete(group);
      const kept = [hint, ...old.filter((h) => h.text !== hint.text)].slice(0, HINTS_PER_GROUP);
      this.hintChars += charsOf(kept) - charsOf(old);
      this.hints.set(group, kept);
    }
    for (const [group, list] of this.hints) {
      if (this.hints.size <= MAX_HINT_GROUPS && this.hintChars <= MAX_HINT_CHARS) break;
      this.hints.delete(group);
      this.hintChars -= charsOf(list);
    }
  }

  /** The keys (hex) an encoded row references. */
  static refKeys(row: Record<string, unknown>): string[] {
    return ((row[REFS] as PayloadRef[] | undefined) ?? []).map((r) => r[1]);
  }

  /**
   * Parses stored rows back into events. `load` gets the referenced keys (hex) and returns
   * every node reachable from them (following `prev`); a store reads them in one query.
   */
  static decode(rows: string[], where: { instanceId: string; executionId: number }, load: (keys: string[]) => Map<string, PayloadNode>): HistoryEvent[];
  static decode(rows: string[], where: { instanceId: string; executionId: number }, load: (keys: string[]) => Promise<Map<string, PayloadNode>>): Promise<HistoryEvent[]>;
  static decode(
    rows: string[],
    where: { instanceId: string; executionId: number },
    load: (keys: string[]) => Map<string, PayloadNode> | Promise<Map<string, PayloadNode>>,
  ): HistoryEvent[] | Promise<HistoryEvent[]> {
    const parsed = rows.map((r) => JSON.parse(r) as Record<string, unknown>);
    const keys = [...new Set(parsed.flatMap((p) => (REFS in p ? PayloadCodec.refKeys(p) : [])))];
    if (keys.length === 0) return parsed as unknown as HistoryEvent[];
    const resolve = (nodes: Map<string, PayloadNode>) => {
      const texts = new Map<string, string>();
      for (const p of parsed) if (REFS in p) resolveRow(p, nodes, texts, where);
      return parsed as unknown as HistoryEvent[];
    };
    const nodes = load(keys);
    return nodes instanceof Map ? resolve(nodes) : nodes.then(resolve);
  }
}

const EMPTY_KEY = Buffer.alloc(0);

const charsOf = (hints: Hint[]) => hints.reduce((n, h) => n + h.text.length, 0);

/** The nodes that extend a hinted text to `text`: one to its last chunk boundary, one for the rest. */
function extend(hint: Hint, text: string): { key: Buffer; state: Hash; nodes: PayloadNode[] } {
  if (text.length === hint.text.length) return { key: hint.key, state: hint.state, nodes: [] };
  const nodes: PayloadNode[] = [];
  const state = hint.state.copy();
  let at = hint.text.length;
  let prev = hint.key;
  const last = chunkBoundaries(text, at).at(-1);
  if (last !== undefined) {
    state.update(text.slice(at, last));
    const key = state.copy().digest();
    nodes.push({ key, prev, body: text.slice(at, last) });
    [at, prev] = [last, key];
  }
  state.update(text.slice(at));
  const key = state.copy().digest();
  nodes.push({ key, prev, body: text.slice(at) });
  return { key, state, nodes };
}

/** Without a hint: store from the longest boundary prefix that exists, up to the last boundary, then the rest. */
function coldNodes(v: PendingValue, existing: ReadonlySet<string>): PayloadNode[] {
  if (existing.has(v.key.toString('hex'))) return [];
  const bs = v.boundaries!;
  let from = -1;
  for (let i = bs.length - 1; i >= 0; i--) {
    if (existing.has(bs[i].key.toString('hex'))) {
      from = i;
      break;
    }
  }
  const nodes: PayloadNode[] = [];
  let at = from >= 0 ? bs[from].at : 0;
  let prev = from >= 0 ? bs[from].key : null;
  const last = bs.at(-1);
  if (last && last.at > at) {
    nodes.push({ key: last.key, prev, body: v.text.slice(at, last.at) });
    [at, prev] = [last.at, last.key];
  }
  nodes.push({ key: v.key, prev, body: v.text.slice(at) });
  return nodes;
}

/** Puts each referenced value of a parsed row back in place, verifying it against its key. */
function resolveRow(row: Record<string, unknown>, nodes: Map<string, PayloadNode>, texts: Map<string, string>, where: { instanceId: string; executionId: number }): void {
  const refs = row[REFS] as PayloadRef[];
  delete row[REFS];
  for (const [path, key, length, last] of refs) {
    const fail = (problem: string) => new PayloadIntegrityError({ ...where, eventId: row.eventId as number, kind: String(row.kind), path: path.join('.'), key }, problem);
    const text = spell(key, nodes, texts, fail);
    if (text.length !== length || createHash('sha256').update(text).digest('hex') !== key) {
      throw fail(`its stored text (${text.length} characters) does not match its hash`);
    }
    let parent = row;
    for (const name of path.slice(0, -1)) parent = parent[name] as Record<string, unknown>;
    parent[path[path.length - 1]] = JSON.parse(text + last);
  }
}

/** The text a node spells: its chain of `prev` nodes, walked back to the start or to a text already spelled. */
function spell(key: string, nodes: Map<string, PayloadNode>, texts: Map<string, string>, fail: (problem: string) => Error): string {
  const chain: PayloadNode[] = [];
  let at: string | null = key;
  let base = '';
  while (at !== null) {
    const known = texts.get(at);
    if (known !== undefined) {
      base = known;
      break;
    }
    const node = nodes.get(at);
    if (!node) throw fail(at === key ? 'its payload row is missing' : `a payload row it builds on (${at}) is missing`);
    if (chain.length > nodes.size) throw fail('its payload rows form a cycle');
    chain.push(node);
    at = node.prev?.toString('hex') ?? null;
  }
  let text = base;
  for (let i = chain.length - 1; i >= 0; i--) {
    text += chain[i].body;
    texts.set(chain[i].key.toString('hex'), text);
  }
  return text;
}
