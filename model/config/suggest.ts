/**
 * "Did you mean …?": the known word a misspelt one most likely meant, for config keys and values
 * (./load.ts, ./schema.ts) and the programs' options and regions (lib/cli.ts).
 */

/**
 * The known key (or value) a misspelt one most likely meant: same letters in another case, one edit
 * away ("sead" → seed), one a prefix of the other or all but the last two letters in common
 * ("intervall" → intervalSeconds), or, for words of six letters or more, two edits away.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  const exact = known.find((c) => c.toLowerCase() === k);
  if (exact) return exact;
  const common = (c: string) => {
    let n = 0;
    while (n < k.length && n < c.length && k[n] === c[n]) n++;
    return n;
  };
  const within = (edits: number) => known.find((c) => editDistance(k, c.toLowerCase()) <= edits);
  const prefix =
    k.length >= 4 ? known.find((c) => c.toLowerCase().startsWith(k) || k.startsWith(c.toLowerCase()) || common(c.toLowerCase()) >= k.length - 2) : undefined;
  // Two edits turn most short words into any other ("nope" → role): only for longer ones.
  return within(1) ?? prefix ?? (k.length >= 6 ? within(2) : undefined);
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
