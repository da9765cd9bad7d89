import { quantileSorted } from 'd3-array';

/**
 * Median and interquartile range of one sample. Quantiles use the R-7 method (linear
 * interpolation between order statistics, R's and Excel's default), which is what d3-array's
 * `quantileSorted` implements, so the figures match `quantile(x)` in R.
 */
export const QUANTILE_METHOD = 'R-7 (linear interpolation, R default)';

export interface Summary {
  n: number;
  median: number | null;
  q1: number | null;
  q3: number | null;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, median: null, q1: null, q3: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5)!,
    q1: quantileSorted(sorted, 0.25)!,
    q3: quantileSorted(sorted, 0.75)!,
  };
}
