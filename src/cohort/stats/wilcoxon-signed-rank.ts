import wilcoxon from '@stdlib/stats-wilcoxon';
import { AnalysisError } from '../../errors/index.js';
import type { Alternative } from './alternative.js';

/**
 * Wilcoxon signed-rank test for paired samples, d = x − y (as R's `wilcox.test(x, y, paired =
 * TRUE)`), computed by @stdlib/stats-wilcoxon: zero differences are dropped (Wilcoxon's
 * method); exact p from the signed-rank distribution when ≤ 50 non-zero pairs remain, no
 * |d| is tied and no zero was dropped; otherwise the normal approximation with tie-corrected
 * variance and continuity correction. `method` says which was used.
 *
 * Effect size: matched-pairs rank-biserial r = (R+ − R−) / (R+ + R−) over the non-zero pairs
 * (Kerby 2014), +1 when every x exceeds its y.
 */
export interface WilcoxonResult {
  /** pairs given */
  nPairs: number;
  /** pairs left after dropping zero differences: the n of the test */
  n: number;
  zerosDropped: number;
  /** V = R+, the rank sum of the positive differences (R's statistic) */
  statistic: number;
  p: number;
  method: string;
  rankBiserial: number;
}

const EXACT_MAX_N = 50;

// x − y rounded to 12 significant digits so that differences equal on paper (0.3 − 0.1 vs
// 0.5 − 0.3) are ties and 1.1 − 1.1 style cancellations are exact zeros
function difference(a: number, b: number): number {
  const d = a - b;
  return d === 0 ? 0 : Number(d.toPrecision(12));
}

export function wilcoxonSignedRank(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = 'two-sided',
): WilcoxonResult {
  if (x.length !== y.length) {
    throw new AnalysisError(`Wilcoxon signed-rank needs paired samples of equal length, got ${x.length} and ${y.length}`);
  }
  const all = x.map((xi, i) => difference(xi, y[i]));
  if (all.some((d) => !Number.isFinite(d))) throw new AnalysisError('Wilcoxon signed-rank: values must be finite numbers');
  const d = all.filter((v) => v !== 0);
  const zerosDropped = all.length - d.length;
  if (d.length === 0) {
    throw new AnalysisError(`Wilcoxon signed-rank: no non-zero differences among ${all.length} pairs`);
  }
  const abs = d.map(Math.abs);
  const ties = new Set(abs).size !== abs.length;
  const exact = d.length <= EXACT_MAX_N && !ties && zerosDropped === 0;

  let statistic: number;
  let p: number;
  if (all.length === 1) {
    // stdlib wants two values; with one pair V is 0 or 1 and each has probability ½
    statistic = d[0] > 0 ? 1 : 0;
    const pGreater = statistic === 1 ? 0.5 : 1;
    const pLess = statistic === 0 ? 0.5 : 1;
    p = alternative === 'greater' ? pGreater : alternative === 'less' ? pLess : 1;
  } else {
    // the differences go in with their zeros: stdlib drops them itself and, like R, then
    // switches to the normal approximation (the exact null distribution assumes no zeros)
    const out = wilcoxon(all, { alternative, zeroMethod: 'wilcox', correction: true });
    statistic = out.statistic;
    p = Math.min(1, out.pValue);
  }
  const total = (d.length * (d.length + 1)) / 2;
  return {
    nPairs: all.length,
    n: d.length,
    zerosDropped,
    statistic,
    p,
    method: exact
      ? 'Wilcoxon signed-rank, exact'
      : `Wilcoxon signed-rank, normal approximation with continuity correction${ties ? ', tie-corrected variance' : ''}${zerosDropped ? `, ${zerosDropped} zero difference${zerosDropped === 1 ? '' : 's'} dropped` : ''}`,
    rankBiserial: (2 * statistic - total) / total,
  };
}
