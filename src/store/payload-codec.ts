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
import { hasPrefix } from '../runtime/string-prefix.js';
import { CHUNK_WINDOW, chunkBoundaries } from './content-chunker.js';
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
const REFS_MARK = JSON.stringify(REFS);

/** One turn's history delta, encoded: the rows to insert and the payload nodes they need. */
export interface EncodedEvents {
  rows: string[];
  nodes: PayloadNode[];
  /** Length of the plain events' JSON (what replay loads), for the history-size warning. */
  plainLength: number;
  /** Call after the transaction committed: later turns may then build on these texts. */
  committed(): void;
  /** The row of a work item committed in the same transaction (see PayloadCodec.workItemRow). */
  workItemRow(item: object): string;
}

/** A plan that still needs to know which of `probe` (hex keys) exist in the store. */
export interface EncodePlan {
  probe: Buffer[];
  finish(existing: ReadonlySet<string>): EncodedEvents;
}

/**
 * A text stored (or being stored) by this codec. String values keep their raw string: a new
 * string is matched against it and only the new part is escaped and hashed, never the whole.
 */
interface Hint {
  /** The string, for a string value (its JSON text is `"` + its escaped characters). */
  raw?: string;
  /** The JSON text, for an array value. */
  text?: string;
  textLength: number;
  /** The last CHUNK_WINDOW characters of the JSON text: chunk boundaries after it depend on them. */
  tail: string;
  key: Buffer;
  /** The hash state after the text: extending it hashes only the new part. */
  state: Hash;
}

/** A large value of one event, planned before the probe and finished after it. */
interface PendingValue {
  path: string[];
  /** The string itself, for a string value. */
  raw?: string;
  /** The value's JSON text without its last character; for strings only when stored cold. */
  text?: string;
  textLength: number;
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
  /** The same hints by key (hex): work items resolve their references here. */
  private readonly byKey = new Map<string, Hint>();
  private hintChars = 0;

  constructor(readonly threshold = DEFAULT_PAYLOAD_THRESHOLD) {}

  /** Plans the rows of `events`; `finish` with the probed keys that exist. */
  plan(events: readonly HistoryEvent[]): EncodePlan {
    const pending: PendingValue[][] = [];
    // Each event's row: plain JSON, or (with large values) its JSON with null in their places.
    const rows: string[] = [];
    const turnHints: Hint[] = [];
    let plainLength = 0;
    for (const e of events) {
      const values: PendingValue[] = [];
      this.collect(e as unknown as Record<string, unknown>, [], values, true);
      for (const v of values) this.planValue(v, turnHints);
      const row = JSON.stringify(values.length ? withNulls(e, values) : e);
      // The plain JSON is the row with each `null` spelled out: no need to build it.
      plainLength += row.length + values.reduce((n, v) => n + v.textLength + 1 - 4, 0);
      rows.push(row);
      pending.push(values);
    }
    const probe = pending.flat().flatMap((v) => (v.nodes ? [] : [v.key, ...v.boundaries!.map((b) => b.key)]));
    return {
      probe,
      finish: (existing) => {
        const nodes: PayloadNode[] = [];
        const encoded = rows.map((row, i) => (pending[i].length === 0 ? row : withRefs(row, pending[i], existing, nodes)));
        return {
          rows: encoded,
          nodes,
          plainLength,
          committed: () => this.remember(turnHints),
          workItemRow: (item) => this.workItemRow(item, turnHints),
        };
      },
    };
  }

  /**
   * A work item's row: its large values that this turn or an earlier commit stored (an LLM
   * request whose prompt is recorded in the same turn) become references to those nodes.
   * It never adds nodes, so what a work item alone carries is deleted with it.
   */
  private workItemRow(item: object, turnHints: Hint[]): string {
    const values: PendingValue[] = [];
    this.collect(item as Record<string, unknown>, [], values, true);
    const stored = values.filter((v) => {
      const hint = this.candidates(v, turnHints).find((h) => (v.raw !== undefined ? h.raw === v.raw : h.text === v.text));
      if (hint) [v.key, v.nodes, v.textLength] = [hint.key, [], hint.textLength];
      return hint !== undefined;
    });
    if (stored.length === 0) return JSON.stringify(item);
    return withRefs(JSON.stringify(withNulls(item, stored)), stored, new Set(), []);
  }

  /** Finds the strings and arrays in `obj` (recursively into plain objects) whose JSON text reaches the threshold. */
  private collect(obj: Record<string, unknown>, path: string[], out: PendingValue[], top: boolean): void {
    for (const name in obj) {
      const value = obj[name];
      if (top && (name === 'kind' || name === 'eventId')) continue;
      if (value === null || typeof value === 'boolean' || typeof value === 'number' || value === undefined) continue;
      // Plain objects are walked, not measured: each large text is serialised once.
      if (typeof value === 'object' && !Array.isArray(value)) {
        this.collect(value as Record<string, unknown>, [...path, name], out, false);
        continue;
      }
      if (typeof value === 'string') {
        // A string's JSON text is at least 2 longer and at most 6 times as long: measure only in between.
        if (value.length * 6 + 2 < this.threshold) continue;
        if (value.length + 2 < this.threshold && JSON.stringify(value).length < this.threshold) continue;
        out.push({ path: [...path, name], raw: value, textLength: 0, last: '"', key: EMPTY_KEY });
        continue;
      }
      const text = JSON.stringify(value);
      if (text === undefined || text.length < this.threshold) continue;
      out.push({ path: [...path, name], text: text.slice(0, -1), textLength: text.length - 1, last: text.slice(-1), key: EMPTY_KEY });
    }
  }

  /** The hints a value could extend: this turn's first, then those committed with the same start. */
  private candidates(v: PendingValue, turnHints: Hint[]): Hint[] {
    const group = this.hints.get(groupOf(v)) ?? [];
    return turnHints.length ? [...turnHints, ...group] : group;
  }

  /** Keys the value; with a matching hint also its nodes (only the new text is stored). */
  private planValue(v: PendingValue, turnHints: Hint[]): void {
    const hint = longestHint(v, this.candidates(v, turnHints));
    if (hint) {
      // Only the new part of the text is built: a string's escaped new characters, an array's new text.
      const added = v.raw !== undefined ? escapedChars(v.raw.slice(hint.raw!.length)) : v.text!.slice(hint.textLength);
      const { key, state, nodes } = extend(hint, added);
      v.key = key;
      v.nodes = nodes;
      v.textLength = hint.textLength + added.length;
      turnHints.unshift({ raw: v.raw, text: v.text, textLength: v.textLength, tail: (hint.tail + added).slice(-CHUNK_WINDOW), key, state });
      return;
    }
    const text = (v.text ??= JSON.stringify(v.raw).slice(0, -1));
    v.textLength = text.length;
    const state = createHash('sha256');
    const boundaries: { at: number; key: Buffer }[] = [];
    let at = 0;
    for (const b of chunkBoundaries(text)) {
      state.update(text.slice(at, b));
      boundaries.push({ at: b, key: state.copy().digest() });
      at = b;
    }
    state.update(text.slice(at));
    v.key = state.copy().digest();
    v.boundaries = boundaries;
    turnHints.unshift({ raw: v.raw, text: v.raw === undefined ? text : undefined, textLength: text.length, tail: text.slice(-CHUNK_WINDOW), key: v.key, state });
  }

  /** Keeps the turn's texts as hints, newest first, within the bounds (least recently used groups go first). */
  private remember(turnHints: Hint[]): void {
    for (const hint of [...turnHints].reverse()) {
      const group = groupOf(hint);
      const old = this.hints.get(group) ?? [];
      this.hints.delete(group);
      const kept = [hint, ...old.filter((h) => !h.key.equals(hint.key))].slice(0, HINTS_PER_GROUP);
      this.hintChars += charsOf(kept) - charsOf(old);
      this.hints.set(group, kept);
      this.forget(old.filter((h) => !kept.includes(h)));
      this.byKey.set(hint.key.toString('hex'), hint);
    }
    for (const [group, list] of this.hints) {
      if (this.hints.size <= MAX_HINT_GROUPS && this.hintChars <= MAX_HINT_CHARS) break;
      this.hints.delete(group);
      this.hintChars -= charsOf(list);
      this.forget(list);
    }
  }

  private forget(hints: Hint[]): void {
    for (const h of hints) {
      const hex = h.key.toString('hex');
      if (this.byKey.get(hex) === h) this.byKey.delete(hex);
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
      const texts = new Map<string, Spelled>();
      for (const p of parsed) if (REFS in p) resolveRow(p, nodes, texts, where);
      return parsed as unknown as HistoryEvent[];
    };
    const nodes = load(keys);
    return nodes instanceof Map ? resolve(nodes) : nodes.then(resolve);
  }

  /**
   * Parses a work item's row, resolving the references `workItemRow` made: from the texts this
   * codec holds when it wrote them (no read, nothing to verify), else through `load` as for `decode`.
   */
  decodeWorkItem<W>(row: string, load: (keys: string[]) => Map<string, PayloadNode>): W;
  decodeWorkItem<W>(row: string, load: (keys: string[]) => Promise<Map<string, PayloadNode>>): W | Promise<W>;
  decodeWorkItem<W>(row: string, load: (keys: string[]) => Map<string, PayloadNode> | Promise<Map<string, PayloadNode>>): W | Promise<W> {
    // Most items hold no reference: skip the parse of a row that cannot name one.
    if (!row.includes(REFS_MARK)) return JSON.parse(row) as W;
    const parsed = JSON.parse(row) as Record<string, unknown>;
    if (!(REFS in parsed)) return parsed as W;
    const unresolved = (parsed[REFS] as PayloadRef[]).filter(([path, key, length, last]) => {
      const hint = this.byKey.get(key);
      if (hint?.raw === undefined || last !== '"' || hint.textLength !== length) return true;
      setAt(parsed, path, hint.raw);
      return false;
    });
    if (unresolved.length === 0) {
      delete parsed[REFS];
      return parsed as W;
    }
    parsed[REFS] = unresolved;
    const where = { instanceId: String(parsed.instanceId), executionId: Number(parsed.executionId) };
    const resolve = (nodes: Map<string, PayloadNode>) => (resolveRow(parsed, nodes, new Map(), where), parsed as W);
    const nodes = load(PayloadCodec.refKeys(parsed));
    return nodes instanceof Map ? resolve(nodes) : nodes.then(resolve);
  }
}

/** Sets the value at `path` of a parsed row. */
function setAt(row: Record<string, unknown>, path: string[], value: unknown): void {
  let parent = row;
  for (const name of path.slice(0, -1)) parent = parent[name] as Record<string, unknown>;
  parent[path[path.length - 1]] = value;
}

const EMPTY_KEY = Buffer.alloc(0);

const charsOf = (hints: Hint[]) => hints.reduce((n, h) => n + h.textLength, 0);

/** Strings and arrays never extend each other; each is grouped by its first characters. */
const groupOf = (v: { raw?: string; text?: string }) => (v.raw !== undefined ? `s${v.raw.slice(0, HINT_PREFIX)}` : `a${v.text!.slice(0, HINT_PREFIX)}`);

/** A string's characters as they appear inside its JSON text. */
const escapedChars = (s: string) => JSON.stringify(s).slice(1, -1);

/** The longest hint whose text the value's text starts with. */
function longestHint(v: PendingValue, hints: Hint[]): Hint | undefined {
  let best: Hint | undefined;
  for (const h of hints) {
    if (best && h.textLength <= best.textLength) continue;
    if (v.raw !== undefined) {
      if (h.raw === undefined || h.raw.length > v.raw.length) continue;
      // JSON escapes a lone high surrogate: one that ends `h.raw` but pairs in `v.raw` is spelled differently.
      const last = h.raw.charCodeAt(h.raw.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) continue;
      if (hasPrefix(v.raw, h.raw)) best = h;
    } else if (h.text !== undefined && h.textLength <= v.textLength && hasPrefix(v.text!, h.text)) {
      best = h;
    }
  }
  return best;
}

/** A copy of `obj` with null where its large values were: only the paths to them are copied. */
function withNulls(obj: object, values: PendingValue[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...obj };
  for (const v of values) {
    let parent = copy;
    for (const name of v.path.slice(0, -1)) parent = parent[name] = { ...(parent[name] as Record<string, unknown>) };
    parent[v.path[v.path.length - 1]] = null;
  }
  return copy;
}

/** A row (JSON with nulls) with its references appended; collects the nodes the values need. */
function withRefs(row: string, values: PendingValue[], existing: ReadonlySet<string>, nodes: PayloadNode[]): string {
  const refs: PayloadRef[] = [];
  for (const v of values) {
    nodes.push(...(v.nodes ?? coldNodes(v, existing)));
    refs.push([v.path, v.key.toString('hex'), v.textLength, v.last]);
  }
  return `${row.slice(0, -1)},${JSON.stringify(REFS)}:${JSON.stringify(refs)}}`;
}

/**
 * The nodes that extend a hinted text by `added`: one to the last chunk boundary, one for the
 * rest. Boundaries depend on the CHUNK_WINDOW characters before them, so the hint's tail is enough.
 */
function extend(hint: Hint, added: string): { key: Buffer; state: Hash; nodes: PayloadNode[] } {
  if (added.length === 0) return { key: hint.key, state: hint.state, nodes: [] };
  const nodes: PayloadNode[] = [];
  const state = hint.state.copy();
  let at = 0;
  let prev = hint.key;
  const last = chunkBoundaries(hint.tail + added, hint.tail.length).at(-1);
  if (last !== undefined) {
    const body = added.slice(0, last - hint.tail.length);
    state.update(body);
    const key = state.copy().digest();
    nodes.push({ key, prev, body });
    [at, prev] = [body.length, key];
  }
  state.update(added.slice(at));
  const key = state.copy().digest();
  nodes.push({ key, prev, body: added.slice(at) });
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
    nodes.push({ key: last.key, prev, body: v.text!.slice(at, last.at) });
    [at, prev] = [last.at, last.key];
  }
  nodes.push({ key: v.key, prev, body: v.text!.slice(at) });
  return nodes;
}

/** Puts each referenced value of a parsed row back in place, verifying it against its key. */
function resolveRow(row: Record<string, unknown>, nodes: Map<string, PayloadNode>, texts: Map<string, Spelled>, where: { instanceId: string; executionId: number }): void {
  const refs = row[REFS] as PayloadRef[];
  delete row[REFS];
  for (const [path, key, length, last] of refs) {
    const fail = (problem: string) => new PayloadIntegrityError({ ...where, eventId: row.eventId as number, kind: String(row.kind), path: path.join('.'), key }, problem);
    const text = spell(key, nodes, texts, fail);
    if (text.length !== length) throw fail(`its stored text (${text.length} characters) does not match its hash`);
    setAt(row, path, JSON.parse(text + last));
  }
}

/** A text spelled and verified, with the hash state after it: a node built on it hashes only its body. */
interface Spelled {
  text: string;
  state: Hash;
}

/**
 * The text a node spells: its chain of `prev` nodes, walked back to the start or to a text
 * already spelled, each node verified against its key as it is added. Hashing goes on from the
 * state after `prev`, so the chains of a growing transcript cost their new text once, not the
 * whole text per value.
 */
function spell(key: string, nodes: Map<string, PayloadNode>, texts: Map<string, Spelled>, fail: (problem: string) => Error): string {
  const chain: PayloadNode[] = [];
  let at: string | null = key;
  let base: Spelled | undefined;
  while (at !== null) {
    base = texts.get(at);
    if (base !== undefined) break;
    const node = nodes.get(at);
    if (!node) throw fail(at === key ? 'its payload row is missing' : `a payload row it builds on (${at}) is missing`);
    if (chain.length > nodes.size) throw fail('its payload rows form a cycle');
    chain.push(node);
    at = node.prev?.toString('hex') ?? null;
  }
  let text = base?.text ?? '';
  let state = base?.state;
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i];
    text += node.body;
    state = state ? state.copy() : createHash('sha256');
    state.update(node.body);
    const hex = node.key.toString('hex');
    if (state.copy().digest('hex') !== hex) throw fail(`its stored text (${text.length} characters) does not match its hash`);
    texts.set(hex, { text, state });
  }
  return text;
}
