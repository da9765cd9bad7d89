import fCdf from '@stdlib/stats-base-dists-f-cdf';
import fQuantile from '@stdlib/stats-base-dists-f-quantile';
import { AnalysisError } from '../../errors/index.js';
import { CONFIDENCE, checkConfidence, type Interval } from './interval.js';

/**
 * Intraclass correlation of n targets each rated by the same k raters, in the six forms of
 * Shrout & Fleiss (1979), named also as McGraw & Wong (1996) name them:
 *
 * | form  | model (McGraw & Wong)                         | estimate                                   |
 * |-------|-----------------------------------------------|--------------------------------------------|
 * | ICC1  | one-way random, ICC(1)                        | (MSR − MSW) / (MSR + (k−1)MSW)             |
 * | ICC2  | two-way random, absolute agreement, ICC(A,1)  | (MSR − MSE) / (MSR + (k−1)MSE + k(MSC − MSE)/n) |
 * | ICC3  | two-way mixed, consistency, ICC(C,1)          | (MSR − MSE) / (MSR + (k−1)MSE)             |
 * | ICC1k | mean of k raters, ICC(k)                      | (MSR − MSW) / MSR                          |
 * | ICC2k | ICC(A,k)                                      | (MSR − MSE) / (MSR + (MSC − MSE)/n)        |
 * | ICC3k | ICC(C,k)                                      | (MSR − MSE) / MSR                          |
 *
 * MSR, MSC, MSE, MSW: mean squares of targets (rows), raters (columns), residual and within
 * targets. Intervals are McGraw & Wong's (1996, Table 7) F intervals: for ICC1 and ICC3 exact,
 * from F = MSR/MSW or MSR/MSE; for ICC2 their approximation with Satterthwaite-type degrees of
 * freedom ν. p tests H0: ICC = 0 with the same F. This is what R's psych::ICC reports.
 *
 * Hand-written on @stdlib's F distribution: no maintained npm package computes these forms.
 */
export const ICC_FORMS = ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'] as const;
export type IccForm = (typeof ICC_FORMS)[number];

export const ICC_MODELS: Record<IccForm, string> = {
  ICC1: 'ICC(1,1): one-way random, single rater',
  ICC2: 'ICC(2,1) = ICC(A,1): two-way random, absolute agreement, single rater',
  ICC3: 'ICC(3,1) = ICC(C,1): two-way mixed, consistency, single rater',
  ICC1k: 'ICC(1,k): one-way random, mean of k raters',
  ICC2k: 'ICC(2,k) = ICC(A,k): two-way random, absolute agreement, mean of k raters',
  ICC3k: 'ICC(3,k) = ICC(C,k): two-way mixed, consistency, mean of k raters',
};

export interface IccEstimate {
  form: IccForm;
  model: string;
  icc: number;
  ci: Interval;
  f: number;
  df1: number;
  df2: number;
  p: number;
}

export interface IccResult {
  /** targets */
  n: number;
  /** raters */
  k: number;
  forms: Record<IccForm, IccEstimate>;
  meanSquares: { rows: number; columns: number; error: number; within: number };
  confidence: number;
  method: string;
}

/** `ratings[i][j]`: target i as rater j scored it; every target rated by every rater. */
export function icc(ratings: readonly (readonly number[])[], confidence = CONFIDENCE): IccResult {
  checkConfidence(confidence, 'ICC');
  const n = ratings.length;
  const k = ratings[0]?.length ?? 0;
  if (n < 2 || k < 2) throw new AnalysisError(`ICC needs at least 2 targets and 2 raters, got ${n} × ${k}`);
  if (ratings.some((r) => r.length !== k)) throw new AnalysisError('ICC: every target must be rated by every rater (complete cases only)');
  if (ratings.some((r) => r.some((v) => !Number.isFinite(v)))) throw new AnalysisError('ICC: ratings must be finite numbers');

  let grand = 0;
  const rowMeans = ratings.map((r) => r.reduce((s, v) => s + v, 0) / k);
  const colMeans = Array.from({ length: k }, (_, j) => ratings.reduce((s, r) => s + r[j], 0) / n);
  for (const m of rowMeans) grand += m / n;
  let sst = 0;
  for (const r of ratings) for (const v of r) sst += (v - grand) ** 2;
  const ssr = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssc = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const sse = sst - ssr - ssc;
  const dfr = n - 1;
  const dfc = k - 1;
  const dfe = dfr * dfc;
  const dfw = n * (k - 1);
  const msr = ssr / dfr;
  const msc = ssc / dfc;
  const mse = sse / dfe;
  const msw = (sst - ssr) / dfw;
  if (!(msr > 0) || !(mse > 0)) throw new AnalysisError('ICC: the ratings do not vary between targets or have no residual variance');

  const q = 1 - (1 - confidence) / 2;
  const pOf = (f: number, d1: number, d2: number) => 1 - fCdf(f, d1, d2);
  const single = (fl: number) => (fl - 1) / (fl + k - 1);
  const average = (fl: number) => 1 - 1 / fl;

  // ICC1 and ICC3: exact F intervals (McGraw & Wong 1996, Table 7, cases 1 and 3)
  const f1 = msr / msw;
  const f1L = f1 / fQuantile(q, dfr, dfw);
  const f1U = f1 * fQuantile(q, dfw, dfr);
  const f3 = msr / mse;
  const f3L = f3 / fQuantile(q, dfr, dfe);
  const f3U = f3 * fQuantile(q, dfe, dfr);

  // ICC2: approximate interval with ν degrees of freedom (McGraw & Wong 1996, Table 7, case 2A)
  const icc2 = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  const fj = msc / mse;
  const vn = dfc * dfr * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vd = dfr * k * k * icc2 * icc2 * fj * fj + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const v = vn / vd;
  const fL = fQuantile(q, dfr, v);
  const fU = fQuantile(q, v, dfr);
  const denom = k * msc + (k * n - k - n) * mse;
  const l2 = (n * (msr - fL * mse)) / (fL * denom + n * msr);
  const u2 = (n * (fU * msr - mse)) / (denom + n * fU * msr);
  const toMean = (r: number) => (k * r) / (1 + (k - 1) * r);

  const est = (form: IccForm, value: number, ci: Interval, f: number, df1: number, df2: number): IccEstimate => ({
    form,
    model: ICC_MODELS[form],
    icc: value,
    ci,
    f,
    df1,
    df2,
    p: pOf(f, df1, df2),
  });
  const forms: Record<IccForm, IccEstimate> = {
    ICC1: est('ICC1', (msr - msw) / (msr + (k - 1) * msw), { lower: single(f1L), upper: single(f1U) }, f1, dfr, dfw),
    ICC2: est('ICC2', icc2, { lower: l2, upper: u2 }, f3, dfr, dfe),
    ICC3: est('ICC3', (msr - mse) / (msr + (k - 1) * mse), { lower: single(f3L), upper: single(f3U) }, f3, dfr, dfe),
    ICC1k: est('ICC1k', (msr - msw) / msr, { lower: average(f1L), upper: average(f1U) }, f1, dfr, dfw),
    ICC2k: est('ICC2k', (msr - mse) / (msr + (msc - mse) / n), { lower: toMean(l2), upper: toMean(u2) }, f3, dfr, dfe),
    ICC3k: est('ICC3k', (msr - mse) / msr, { lower: average(f3L), upper: average(f3U) }, f3, dfr, dfe),
  };
  return {
    n,
    k,
    forms,
    meanSquares: { rows: msr, columns: msc, error: mse, within: msw },
    confidence,
    method: 'intraclass correlation, Shrout & Fleiss (1979) forms with McGraw & Wong (1996) F-based intervals',
  };
}
