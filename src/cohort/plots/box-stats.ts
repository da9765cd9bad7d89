import { summarize } from '../stats/describe.js';

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

/** Box-plot summary with the cohort statistics' quartiles (R-7, src/cohort/stats/describe.ts), so plot and table agree. */
export function boxStats(values: readonly number[]): BoxStats | null {
  const { n, q1, median, q3 } = summarize(values);
  if (n === 0 || q1 === null || median === null || q3 === null) return null;
  const lowFence = q1 - 1.5 * (q3 - q1);
  const highFence = q3 + 1.5 * (q3 - q1);
  const sorted = [...values].sort((a, b) => a - b);
  const inside = sorted.filter((v) => v >= lowFence && v <= highFence);
  return {
    n,
    q1,
    median,
    q3,
    lowerWhisker: inside[0],
    upperWhisker: inside[inside.length - 1],
    outliers: sorted.filter((v) => v < lowFence || v > highFence),
  };
}
