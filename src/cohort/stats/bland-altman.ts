import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { AnalysisError } from '../../errors/index.js';
import { CONFIDENCE, checkConfidence, type Interval } from './interval.js';
import { checkPairs, mean, sampleSd } from './paired-values.js';

/**
 * Bland–Altman limits of agreement of two methods measuring the same items (Bland & Altman,
 * Lancet 1986; Stat Methods Med Res 1999). Differences are a − b.
 *
 * - bias d̄ with its exact t interval: d̄ ± t(n−1) · s/√n;
 * - limits d̄ ± k·s, k = z at the agreement level (1.96 for 95 %; the 1986 paper rounded to 2,
 *   which `k` reproduces);
 * - each limit's interval by Bland & Altman's (1999, §2.2) approximation
 *   SE = s · √(1/n + k²/(2(n − 1))), limit ± t(n−1) · SE. The exact tolerance-factor interval
 *   (Carkeet 2015) is narrower on the inside for small n; the approximation is the one most
 *   method-comparison reports (and R's SimplyAgree and blandr) give, so ours compare with theirs.
 *
 * Hand-written on @stdlib quantiles: no maintained npm package computes these intervals.
 */
export interface BlandAltmanOptions {
  /** share of differences the limits should hold (default 0.95 → k = 1.96) */
  agreement?: number;
  /** the multiplier of s itself, overriding `agreement` (2 reproduces Bland & Altman 1986) */
  k?: number;
  /** confidence level of the intervals (default 0.95) */
  confidence?: number;
}

export interface BlandAltmanResult {
  n: number;
  /** mean difference a − b */
  bias: number;
  /** standard deviation of the differences */
  sd: number;
  biasCi: Interval;
  lower: number;
  upper: number;
  lowerCi: Interval;
  upperCi: Interval;
  k: number;
  confidence: number;
  method: string;
}

export function blandAltman(a: readonly number[], b: readonly number[], options: BlandAltmanOptions = {}): BlandAltmanResult {
  checkPairs(a, b, 3, 'Bland–Altman');
  const confidence = options.confidence ?? CONFIDENCE;
  checkConfidence(confidence, 'Bland–Altman');
  const agreement = options.agreement ?? 0.95;
  checkConfidence(agreement, 'Bland–Altman agreement');
  const k = options.k ?? normalQuantile(1 - (1 - agreement) / 2, 0, 1);
  const n = a.length;
  const d = a.map((v, i) => v - b[i]);
  const bias = mean(d);
  const sd = sampleSd(d);
  const t = tQuantile(1 - (1 - confidence) / 2, n - 1);
  const seBias = sd / Math.sqrt(n);
  const seLimit = sd * Math.sqrt(1 / n + (k * k) / (2 * (n - 1)));
  const lower = bias - k * sd;
  const upper = bias + k * sd;
  return {
    n,
    bias,
    sd,
    biasCi: { lower: bias - t * seBias, upper: bias + t * seBias },
    lower,
    upper,
    lowerCi: { lower: lower - t * seLimit, upper: lower + t * seLimit },
    upperCi: { lower: upper - t * seLimit, upper: upper + t * seLimit },
    k,
    confidence,
    method: `Bland–Altman: bias with exact t interval; limits bias ± ${Number(k.toFixed(2))}·SD with Bland & Altman (1999) approximate intervals`,
  };
}

export interface RatioAgreement {
  /** the analysis of ln a − ln b */
  log: BlandAltmanResult;
  /** the same back-transformed: geometric mean ratio a/b and the ratio limits */
  ratio: { bias: number; biasCi: Interval; lower: number; upper: number; lowerCi: Interval; upperCi: Interval };
  /** pairs left out because a value was 0 or negative (a ratio to 0 has no logarithm) */
  excluded: number;
}

/**
 * Bland–Altman on the log scale, for counts and densities whose differences grow with their size
 * (Bland & Altman 1999, §3: log-transform, then back-transform the limits to ratios). A pair
 * with a zero is left out and counted: a slide with no cells has no ratio.
 */
export function blandAltmanRatio(a: readonly number[], b: readonly number[], options: BlandAltmanOptions = {}): RatioAgreement {
  if (a.length !== b.length) throw new AnalysisError(`Bland–Altman ratio needs paired values, got ${a.length} and ${b.length}`);
  const keep = a.map((v, i) => v > 0 && b[i] > 0);
  const la = a.filter((_, i) => keep[i]).map(Math.log);
  const lb = b.filter((_, i) => keep[i]).map(Math.log);
  const log = blandAltman(la, lb, options);
  const exp = (iv: Interval): Interval => ({ lower: Math.exp(iv.lower), upper: Math.exp(iv.upper) });
  return {
    log: { ...log, method: `${log.method}, on ln values (ratios a/b back-transformed)` },
    ratio: { bias: Math.exp(log.bias), biasCi: exp(log.biasCi), lower: Math.exp(log.lower), upper: Math.exp(log.upper), lowerCi: exp(log.lowerCi), upperCi: exp(log.upperCi) },
    excluded: keep.filter((k) => !k).length,
  };
}
