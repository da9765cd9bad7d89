import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';
import { AnalysisError } from '../../errors/index.js';

/**
 * Fisher's exact test on a 2×2 table, two-sided as R's `fisher.test`: the p-value sums the
 * probabilities of every table with the observed margins that is no more likely than the
 * observed one (with R's relative tolerance 1e−7 so equally likely tables are not lost to
 * rounding). Table layout: rows = groups, columns = event yes / no:
 *
 *            event   no event
 *   group 1    a        b
 *   group 2    c        d
 *
 * Effect size: the sample odds ratio (a·d)/(b·c); when a cell is 0 it is undefined or
 * infinite, so the Haldane–Anscombe estimate (every cell + ½) is reported instead and
 * `oddsRatioCorrected` says so.
 */
export interface FisherTable {
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface FisherResult {
  table: FisherTable;
  p: number;
  oddsRatio: number;
  oddsRatioCorrected: boolean;
  method: string;
}

const REL_TOLERANCE = 1 + 1e-7;

export function fisherExact(table: FisherTable): FisherResult {
  const { a, b, c, d } = table;
  for (const [k, v] of Object.entries(table)) {
    if (!Number.isInteger(v) || v < 0) throw new AnalysisError(`Fisher exact: cell ${k} must be a count ≥ 0, got ${v}`);
  }
  const N = a + b + c + d;
  if (a + b === 0 || c + d === 0) throw new AnalysisError('Fisher exact: both groups need at least one member');
  // a ~ hypergeometric: population N, K = first-column total "successes", n = first-row draws
  const K = a + c;
  const draws = a + b;
  const observed = hypergeometricPmf(a, N, K, draws);
  let p = 0;
  for (let x = Math.max(0, draws - (N - K)); x <= Math.min(K, draws); x++) {
    const px = hypergeometricPmf(x, N, K, draws);
    if (px <= observed * REL_TOLERANCE) p += px;
  }
  const corrected = a === 0 || b === 0 || c === 0 || d === 0;
  const oddsRatio = corrected ? ((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5)) : (a * d) / (b * c);
  return {
    table,
    p: Math.min(1, p),
    oddsRatio,
    oddsRatioCorrected: corrected,
    method: `Fisher exact, two-sided${corrected ? '; odds ratio Haldane–Anscombe (+½ per cell, a cell is 0)' : '; sample odds ratio'}`,
  };
}
