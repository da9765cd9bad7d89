import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import ranks from '@stdlib/stats-ranks';
import { AnalysisError } from '../../errors/index.js';
import { twoSided, type Alternative } from './alternative.js';

/**
 * Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples, computed as R's
 * `wilcox.test(x, y)`: W = U of x = rank sum of x − n_x(n_x + 1)/2 with average ranks for ties.
 * Exact p when both samples have < 50 values and there are no ties; otherwise the normal
 * approximation with tie-corrected variance and continuity correction.
 *
 * Hand-written because no maintained npm package gives the exact small-sample distribution
 * (@stdlib has none for the rank sum; simple-statistics and jstat give the statistic or only a
 * normal approximation). The exact null distribution counts, for every u, the ways to
 * interleave the two samples so that x beats y in u pairs (Mann & Whitney 1947 recurrence).
 *
 * Effect size: rank-biserial r = 2U/(n_x n_y) − 1, which equals Cliff's δ = P(x > y) − P(x < y)
 * (ties count ½): +1 when every x exceeds every y.
 */
export interface MannWhitneyResult {
  nX: number;
  nY: number;
  /** W = U of x (R's statistic) */
  statistic: number;
  p: number;
  method: string;
  rankBiserial: number;
}

const EXACT_MAX_N = 50;

/** Counts of U = 0..m·n over all C(m+n, m) arrangements: f(m,n)(u) = f(m−1,n)(u−n) + f(m,n−1)(u). */
function uCounts(m: number, n: number): Float64Array {
  // condition on the largest of the m + n values; prev[j] holds the counts for (i − 1, j),
  // rebuilt row by row so memory stays at O(n · m·n)
  let prev: Float64Array[] = [];
  for (let j = 0; j <= n; j++) prev.push(Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const f = new Float64Array(i * j + 1);
      const fewerX = prev[j]; // (i − 1, j)
      const fewerY = cur[j - 1]; // (i, j − 1)
      // largest value is an x: it beats all j ys → u shifts by j
      for (let u = 0; u < fewerX.length; u++) f[u + j] += fewerX[u];
      // largest value is a y: it beats nothing
      for (let u = 0; u < fewerY.length; u++) f[u] += fewerY[u];
      cur.push(f);
    }
    prev = cur;
  }
  return prev[n];
}

/** P(U ≤ w) and P(U ≥ w) under H0 for sample sizes m and n. */
function exactTails(w: number, m: number, n: number): { lower: number; upper: number } {
  const counts = uCounts(m, n);
  let total = 0;
  let lower = 0;
  let upper = 0;
  for (let u = 0; u < counts.length; u++) {
    total += counts[u];
    if (u <= w) lower += counts[u];
    if (u >= w) upper += counts[u];
  }
  return { lower: lower / total, upper: upper / total };
}

export function mannWhitney(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): MannWhitneyResult {
  const nX = x.length;
  const nY = y.length;
  if (nX === 0 || nY === 0) throw new AnalysisError(`Mann–Whitney needs values in both groups, got ${nX} and ${nY}`);
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new AnalysisError('Mann–Whitney: values must be finite numbers');
  const r = ranks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < nX; i++) rankSumX += r[i];
  const w = rankSumX - (nX * (nX + 1)) / 2;

  const tieCounts = new Map<number, number>();
  for (const v of r) tieCounts.set(v, (tieCounts.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieCounts.values()) tieTerm += t * t * t - t;
  const ties = tieTerm > 0;

  let p: number;
  let method: string;
  if (nX < EXACT_MAX_N && nY < EXACT_MAX_N && !ties) {
    const { lower, upper } = exactTails(w, nX, nY);
    p = alternative === 'greater' ? upper : alternative === 'less' ? lower : twoSided(lower, upper);
    method = 'Mann–Whitney U, exact';
  } else {
    const N = nX + nY;
    const z0 = w - (nX * nY) / 2;
    const sigma = Math.sqrt(((nX * nY) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
    if (sigma === 0) throw new AnalysisError('Mann–Whitney: all values are tied');
    const correction = alternative === 'two-sided' ? Math.sign(z0) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
    const z = (z0 - correction) / sigma;
    const lower = normalCdf(z, 0, 1);
    const upper = 1 - lower;
    p = alternative === 'greater' ? upper : alternative === 'less' ? lower : twoSided(lower, upper);
    method = `Mann–Whitney U, normal approximation with continuity correction${ties ? ', tie-corrected variance' : ''}`;
  }
  return { nX, nY, statistic: w, p, method, rankBiserial: (2 * w) / (nX * nY) - 1 };
}
