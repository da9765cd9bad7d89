import { quantileSorted } from 'd3-array';

export interface BoxStats {
  n: number;
  q1: number;
  median: number;
  q3: number;
  /** Tukey whiskers: the most extreme data points within 1.5 IQR of the box */
  lowerWhisker: number;
  upperWhisker: number;
  /** points beyond the whiskers, ascending */
  outliers: number[];
}

/**
 * Box-plot summary. Quartiles by linear interpolation between order statistics (d3's quantile,
 * Hyndman & Fan type 7: the default of R's quantile() and numpy.percentile).
 */
export function boxStats(values: readonly number[]): BoxStats | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25)!;
  const median = quantileSorted(s, 0.5)!;
  const q3 = quantileSorted(s, 0.75)!;
  const lowFence = q1 - 1.5 * (q3 - q1);
  const highFence = q3 + 1.5 * (q3 - q1);
  const inside = s.filter((v) => v >= lowFence && v <= highFence);
  return {
    n: s.length,
    q1,
    median,
    q3,
    lowerWhisker: inside[0],
    upperWhisker: inside[inside.length - 1],
    outliers: s.filter((v) => v < lowFence || v > highFence),
  };
}
