import { AnalysisError } from '../../errors/index.js';

/** Two equally long arrays of finite numbers, at least `min` of them: every paired statistic starts here. */
export function checkPairs(a: readonly number[], b: readonly number[], min: number, what: string): void {
  if (a.length !== b.length) throw new AnalysisError(`${what} needs paired values, got ${a.length} and ${b.length}`);
  if (a.length < min) throw new AnalysisError(`${what} needs at least ${min} pairs, got ${a.length}`);
  if ([...a, ...b].some((v) => !Number.isFinite(v))) throw new AnalysisError(`${what}: values must be finite numbers`);
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1 denominator). */
export function sampleSd(values: readonly number[]): number {
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}
