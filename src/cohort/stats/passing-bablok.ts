import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { quantileSorted } from 'd3-array';
import { AnalysisError } from '../../errors/index.js';
import { CONFIDENCE, checkConfidence, type Interval } from './interval.js';
import { checkPairs } from './paired-values.js';

/**
 * Passing–Bablok regression of y (test method) on x (comparison method) (Passing & Bablok,
 * J Clin Chem Clin Biochem 1983; 21: 709–720), computed as R's mcr package does (mcreg,
 * method.reg = "PaBa", method.ci = "analytical"; mcr/R/mcPaBa.r), so a lab can check our figures
 * against R:
 *
 * - every pair of items gives a slope angle atan((y_j − y_i)/(x_j − x_i)); pairs equal in both are
 *   skipped, a vertical pair counts as +90° (positive correlation assumed, as in mcr);
 * - the slope is the tangent of the median angle shifted by the angles below −45° (and half of
 *   those at exactly −45°, which PB's paper drops and mcr keeps), so the estimate does not depend
 *   on which method is x;
 * - its interval: with C = z · √(n(n−1)(2n+5)/18), the angles at the positions N − C and N + C
 *   (on the doubled, shifted index), each taken "in analogy to the median" (the mean of the two
 *   neighbours at an even index) where the paper rounds (N − C)/2 to a rank — at most half a rank
 *   apart;
 * - intercept median(y − b·x); its interval median(y − b_U·x) … median(y − b_L·x).
 *
 * Hand-written (on @stdlib and d3-array): no maintained npm package fits Passing–Bablok.
 */
export interface PassingBablokResult {
  n: number;
  slope: number;
  slopeCi: Interval;
  intercept: number;
  interceptCi: Interval;
  /** pairwise slopes the estimate is the shifted median of */
  slopes: number;
  confidence: number;
  method: string;
}

const median = (values: readonly number[]): number => quantileSorted([...values].sort((p, q) => p - q), 0.5)!;
const QUARTER = Math.PI / 4;

export function passingBablok(x: readonly number[], y: readonly number[], confidence = CONFIDENCE): PassingBablokResult {
  checkPairs(x, y, 3, 'Passing–Bablok');
  checkConfidence(confidence, 'Passing–Bablok');
  const n = x.length;
  const angles: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j] - x[i];
      const dy = y[j] - y[i];
      if (dx !== 0) angles.push(Math.atan(dy / dx));
      else if (dy !== 0) angles.push(Math.PI / 2);
    }
  }
  const total = angles.length;
  if (total < 2) throw new AnalysisError('Passing–Bablok: fewer than 2 distinct pairwise slopes');
  angles.sort((p, q) => p - q);
  const atMost = angles.filter((a) => a <= -QUARTER).length;
  const below = angles.filter((a) => a < -QUARTER).length;
  // indices are doubled, as in mcr, so that "between two slopes" stays an integer
  const offset2 = atMost + below;
  const angleAt = (index2: number): number => {
    const half = Math.floor((index2 + 1) / 2);
    return index2 % 2 === 1 ? angles[half - 1] : (angles[half - 1] + angles[half]) / 2;
  };
  const slope = Math.tan(angleAt(total + offset2));
  if (!Number.isFinite(slope)) throw new AnalysisError('Passing–Bablok: the slope is undefined (more than half the pairs are vertical)');

  const c = normalQuantile(1 - (1 - confidence) / 2, 0, 1) * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const lowIndex = Math.round(total - c + offset2);
  const highIndex = Math.round(total + c + offset2);
  const slopeCi = {
    lower: lowIndex < 2 * (atMost - below) + 1 ? -Infinity : Math.tan(angleAt(lowIndex)),
    upper: highIndex > 2 * total - 1 ? Infinity : Math.tan(angleAt(highIndex)),
  };
  const interceptAt = (b: number) => (Number.isFinite(b) ? median(x.map((xi, i) => y[i] - b * xi)) : b === Infinity ? -Infinity : Infinity);
  return {
    n,
    slope,
    slopeCi,
    intercept: interceptAt(slope),
    interceptCi: { lower: interceptAt(slopeCi.upper), upper: interceptAt(slopeCi.lower) },
    slopes: total,
    confidence,
    method: "Passing–Bablok (1983) regression with rank intervals, as R's mcr computes them",
  };
}
