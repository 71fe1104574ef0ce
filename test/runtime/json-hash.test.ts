/**
 * jsonHash reuses the hashing of a long string that a later one extends (a growing agent
 * transcript): whatever it reuses, the digest must be the one-shot hash of the canonical JSON,
 * or recorded prompt hashes would stop matching on replay.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/llm/canonical-json.js';
import { canonicalDigest, jsonHash } from '../../src/runtime/json-hash.js';

const oneShot = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** Deterministic text with quotes, backslashes, control characters, non-ASCII and surrogate pairs. */
function text(chars: number, seed: number): string {
  const pieces = ['plain ', 'quote" ', 'back\\slash ', 'tab\t', 'line\n', 'é ', '漢字 ', '😀 ', '\u0001', 'x'];
  let x = seed * 2654435761 || 1;
  let out = '';
  while (out.length < chars) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += pieces[x % pieces.length];
  }
  return out;
}

describe('jsonHash', () => {
  it('equals the one-shot hash of the canonical JSON for a transcript that grows call after call', () => {
    let transcript = `You are an agent. ${text(5000, 1)}`;
    for (let i = 0; i < 30; i++) {
      const value = { attempt: 1, input: { prompt: transcript, system: null }, operation: 'generate', options: {} };
      expect(canonicalDigest(value)).toBe(oneShot(value));
      expect(jsonHash(value)).toBe(oneShot(value).slice(0, 16));
      transcript += text(700, i + 2);
    }
  });

  it('keeps contexts apart: the same string at another place or after other text hashes as itself', () => {
    const long = text(9000, 7);
    const values = [
      { a: long },
      { b: long },
      { a: `${long}more` },
      [long, `${long}x`],
      { a: 1, b: long },
      long,
      `${long}"`,
      { a: long.slice(0, 5000) },
    ];
    for (let round = 0; round < 2; round++) for (const v of values) expect(canonicalDigest(v)).toBe(oneShot(v));
  });

  it('does not reuse a string that ends in the first half of a surrogate pair the new one completes', () => {
    const base = `${text(5000, 3)}\ud83d`;
    expect(canonicalDigest({ p: base })).toBe(oneShot({ p: base }));
    const completed = `${base}\ude00 and more`;
    expect(canonicalDigest({ p: completed })).toBe(oneShot({ p: completed }));
  });

  it('hashes values without long strings exactly as before, undefined fields dropped', () => {
    for (const v of [null, 1, 'short', { b: [1, { z: 2, a: undefined }], a: 'x' }, [undefined, null]]) {
      expect(canonicalDigest(v)).toBe(oneShot(v));
    }
  });
});
