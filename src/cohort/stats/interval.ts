import { AnalysisError } from '../../errors/index.js';

/** A two-sided confidence interval. */
export interface Interval {
  lower: number;
  upper: number;
}

/** The confidence level every agreement statistic reports unless told otherwise. */
export const CONFIDENCE = 0.95;

/** Rejects a confidence level outside (0, 1): a quantile of 0 or 1 would be infinite. */
export function checkConfidence(level: number, what: string): void {
  if (!(level > 0 && level < 1)) throw new AnalysisError(`${what}: confidence level must be between 0 and 1, got ${level}`);
}
