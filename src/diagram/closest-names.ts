/** Near misses for a name nobody defines: the known names within a small edit distance. */

/** Levenshtein distance, case-insensitive (a case slip counts as nothing). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

/** Up to `max` known names closest to `name`, nearest first, within a distance of about a third of its length. */
export function closestNames(name: string, known: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...new Set(known)]
    .filter((k) => k !== name)
    .map((k) => ({ k, d: editDistance(name, k) }))
    .filter(({ d }) => d <= limit)
    .sort((p, q) => p.d - q.d || p.k.localeCompare(q.k))
    .slice(0, max)
    .map(({ k }) => k);
}

/** `"a", "b" or "c"`. */
export function orList(names: string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : (q[0] ?? '');
}
