import padjust from '@stdlib/stats-padjust';

/**
 * Benjamini–Hochberg (1995) q-values, as R's `p.adjust(p, "BH")`, by @stdlib/stats-padjust.
 * Entries that are null (a comparison that could not be computed) stay null and do not count
 * towards the number of tests.
 */
export function benjaminiHochberg(p: readonly (number | null)[]): (number | null)[] {
  const present = p.flatMap((v, i) => (v === null ? [] : [i]));
  if (present.length === 0) return p.map(() => null);
  const q = padjust(present.map((i) => p[i]!), 'bh');
  const out: (number | null)[] = p.map(() => null);
  present.forEach((idx, k) => {
    out[idx] = q[k];
  });
  return out;
}
