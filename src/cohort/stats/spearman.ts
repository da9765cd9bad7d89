import tCdf from '@stdlib/stats-base-dists-t-cdf';
import ranks from '@stdlib/stats-ranks';
import { AnalysisError } from '../../errors/index.js';
import { twoSided, type Alternative } from './alternative.js';

/**
 * Spearman rank correlation ρ with a p-value: ρ = Pearson correlation of the ranks (average
 * ranks for ties); S = (n³ − n)(1 − ρ)/6 as R's `cor.test(method = "spearman")` reports it.
 *
 * p: exact permutation distribution for n ≤ 9 (all n! orderings of the y ranks; with ties the
 * permutation test stays exact, conditional on the tied ranks), otherwise the t approximation
 * t = ρ √((n − 2)/(1 − ρ²)) on n − 2 degrees of freedom. R uses algorithm AS 89 above n = 9
 * (an Edgeworth series), so for 10 ≤ n the p-values here are the t approximation R gives with
 * `exact = FALSE`. Two-sided p = twice the smaller tail, as in R.
 *
 * Hand-written (on @stdlib's ranks and t CDF) because no maintained npm package computes a
 * Spearman test with an exact small-sample p-value.
 */
export interface SpearmanResult {
  n: number;
  rho: number;
  /** S = (n³ − n)(1 − ρ)/6 */
  statistic: number;
  p: number;
  method: string;
}

export const EXACT_MAX_N = 9;
// permutation sums equal to the observed one must count as "as extreme" despite rounding
const EPS = 1e-9;

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Tails of Σ rx·ry over all permutations of ry. ρ is an increasing function of this sum (the
 * means and variances of the ranks do not change under permutation), so these are ρ's tails.
 */
function permutationTails(rx: readonly number[], ry: readonly number[]): { lower: number; upper: number } {
  const n = rx.length;
  const observed = rx.reduce((s, v, i) => s + v * ry[i], 0);
  const p = [...ry];
  const c = new Array<number>(n).fill(0);
  let lower = 0;
  let upper = 0;
  let total = 0;
  const visit = () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += rx[i] * p[i];
    if (s <= observed + EPS) lower++;
    if (s >= observed - EPS) upper++;
    total++;
  };
  // Heap's algorithm, iterative: every permutation once, one swap apart
  visit();
  let i = 1;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [p[j], p[i]] = [p[i], p[j]];
      visit();
      c[i]++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return { lower: lower / total, upper: upper / total };
}

export function spearman(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): SpearmanResult {
  const n = x.length;
  if (n !== y.length) throw new AnalysisError(`Spearman needs paired values, got ${x.length} and ${y.length}`);
  if (n < 3) throw new AnalysisError(`Spearman needs at least 3 pairs, got ${n}`);
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new AnalysisError('Spearman: values must be finite numbers');
  const rx = ranks([...x]);
  const ry = ranks([...y]);
  const rho = pearson(rx, ry);
  if (!Number.isFinite(rho)) throw new AnalysisError('Spearman: one of the variables does not vary');
  const statistic = ((n ** 3 - n) * (1 - rho)) / 6;

  let lower: number;
  let upper: number;
  let method: string;
  if (n <= EXACT_MAX_N) {
    ({ lower, upper } = permutationTails(rx, ry));
    method = `Spearman rank correlation, exact permutation p (${n}! orderings)`;
  } else {
    const df = n - 2;
    const t = Math.abs(rho) >= 1 ? Math.sign(rho) * Infinity : rho * Math.sqrt(df / (1 - rho * rho));
    lower = tCdf(t, df);
    upper = 1 - lower;
    method = 'Spearman rank correlation, t approximation (n − 2 df)';
  }
  const p = alternative === 'greater' ? upper : alternative === 'less' ? lower : twoSided(lower, upper);
  return { n, rho, statistic, p, method };
}
