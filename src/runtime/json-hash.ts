/**
 * `jsonHash`: the SHA-256 of a value's canonical JSON (`canonicalJson`), computed so that an
 * agent resending a growing transcript does not rehash all of it on every call.
 *
 * The hash is fed in order; at a long string, the state of the hash so far names the context,
 * and a recently hashed string in the same context that the new one extends lends its state:
 * only the escaped new part is hashed. The digest is byte for byte the one-shot hash of
 * `canonicalJson(value)` (tested), so recorded prompt hashes stay valid; the cache only saves
 * work and is bounded.
 */
import { createHash, hash, type Hash } from 'node:crypto';
import { hasPrefix } from './string-prefix.js';

/** Strings shorter than this are hashed as part of the surrounding text. */
const LONG_STRING = 4096;
const ENTRIES_PER_CONTEXT = 4;
const MAX_CONTEXTS = 256;
const MAX_CACHED_CHARS = 16 * 1024 * 1024;

interface Extendable {
  /** A string hashed before in this context. */
  raw: string;
  /** The hash state after `"` and the escaped `raw` (no closing quote). */
  after: Hash;
}

/** Hash state digest before a long string -> strings hashed there, newest first. */
const contexts = new Map<string, Extendable[]>();
let cachedChars = 0;

/** A short, stable hash of a JSON value (first 16 hex chars of sha256). */
export function jsonHash(value: unknown): string {
  return canonicalDigest(value).slice(0, 16);
}

/** The hex SHA-256 of `canonicalJson(value)`. */
export function canonicalDigest(value: unknown): string {
  const writer = new HashWriter();
  if (!writer.write(value)) return hash('sha256', writer.text, 'hex');
  return writer.finish();
}

/** Emits canonical JSON into `text`, switching to a streaming hash at the first long string. */
class HashWriter {
  text = '';
  private state: Hash | null = null;

  /** Returns true once a long string was met (the caller must `finish`). */
  write(value: unknown): boolean {
    if (typeof value === 'string' && value.length >= LONG_STRING) {
      this.longString(value);
      return true;
    }
    if (value === null || typeof value !== 'object') {
      this.text += JSON.stringify(value ?? null);
      return this.state !== null;
    }
    if (Array.isArray(value)) {
      this.text += '[';
      value.forEach((v, i) => {
        if (i > 0) this.text += ',';
        this.write(v);
      });
      this.text += ']';
      return this.state !== null;
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    this.text += '{';
    keys.forEach((k, i) => {
      this.text += `${i > 0 ? ',' : ''}${JSON.stringify(k)}:`;
      this.write(obj[k]);
    });
    this.text += '}';
    return this.state !== null;
  }

  finish(): string {
    return this.flush().update(this.text).digest('hex');
  }

  private flush(): Hash {
    this.state ??= createHash('sha256');
    this.state.update(this.text);
    this.text = '';
    return this.state;
  }

  private longString(value: string): void {
    const before = this.flush().copy().digest('base64');
    const known = contexts.get(before) ?? [];
    const base = longestPrefix(value, known);
    let state: Hash;
    if (base) {
      state = base.after.copy();
      if (value.length > base.raw.length) state.update(JSON.stringify(value.slice(base.raw.length)).slice(1, -1));
    } else {
      state = this.state!;
      state.update(JSON.stringify(value).slice(0, -1));
    }
    remember(before, known, { raw: value, after: state.copy() });
    this.state = state;
    this.text = '"';
  }
}

/** The longest string of `known` that `value` starts with, unless it ends inside a surrogate pair. */
function longestPrefix(value: string, known: Extendable[]): Extendable | undefined {
  let best: Extendable | undefined;
  for (const k of known) {
    if (k.raw.length > value.length || (best && k.raw.length <= best.raw.length)) continue;
    // JSON escapes a lone high surrogate: one that ends `raw` but pairs in `value` is spelled differently.
    const last = k.raw.charCodeAt(k.raw.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) continue;
    if (hasPrefix(value, k.raw)) best = k;
  }
  return best;
}

function remember(before: string, known: Extendable[], entry: Extendable): void {
  const kept = [entry, ...known.filter((k) => k.raw !== entry.raw)].slice(0, ENTRIES_PER_CONTEXT);
  cachedChars += charsOf(kept) - charsOf(known);
  contexts.delete(before);
  contexts.set(before, kept);
  // Least recently used contexts go first.
  for (const [key, list] of contexts) {
    if (contexts.size <= MAX_CONTEXTS && cachedChars <= MAX_CACHED_CHARS) break;
    contexts.delete(key);
    cachedChars -= charsOf(list);
  }
}

const charsOf = (list: Extendable[]) => list.reduce((n, k) => n + k.raw.length, 0);
