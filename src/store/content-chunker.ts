/**
 * Content-defined chunk boundaries of a string (a gear rolling hash), so two strings that
 * share a prefix get the same boundaries inside it. The payload codec keys every boundary
 * prefix by its hash, which is how a transcript resent with more text appended finds the
 * part already stored.
 *
 * A boundary depends only on the 32 characters before it (the hash shifts one bit per
 * character), with no minimum or maximum chunk length, so boundaries found from any start
 * position agree with those found from the beginning. Boundaries never split a UTF-16
 * surrogate pair.
 */

/** One bit in 1,024 set: chunks average about 1 KB of text. */
const BOUNDARY_MASK = 0x3ff << 22;
/** The hash forgets a character after 32 shifts: that many characters decide a boundary. */
export const CHUNK_WINDOW = 32;

/** 256 fixed pseudo-random 32-bit values (a small xorshift, seeded once): the gear table. */
const GEAR = (() => {
  const table = new Int32Array(256);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x;
  }
  return table;
})();

/**
 * Boundary positions `p` with `from < p < text.length` (a chunk ends before index `p`), in
 * ascending order. Scanning starts `CHUNK_WINDOW` characters before `from`, so the result is
 * the same as the boundaries of the whole string that lie after `from`.
 */
export function chunkBoundaries(text: string, from = 0): number[] {
  const out: number[] = [];
  let h = 0;
  for (let i = Math.max(0, from - CHUNK_WINDOW); i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    h = ((h << 1) + GEAR[(c ^ (c >>> 8)) & 0xff]) | 0;
    if ((h & BOUNDARY_MASK) !== 0 || i + 1 <= from) continue;
    // Never between the halves of a surrogate pair: the text on each side must stay valid UTF-16.
    if (c >= 0xd800 && c <= 0xdbff) continue;
    out.push(i + 1);
  }
  return out;
}
