import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { AnalysisError } from '../../errors/index.js';
import { CONFIDENCE, checkConfidence, type Interval } from './interval.js';

/**
 * Cohen's κ (1960) and weighted κ (Cohen 1968) of two raters' categorical calls, from their
 * confusion matrix (rows: rater a, columns: rater b, categories in their order). Agreement
 * weights: unweighted w_ij = [i = j]; linear 1 − |i − j|/(q − 1); quadratic (Fleiss–Cohen)
 * 1 − (i − j)²/(q − 1)².
 *
 *   κ = (p_o − p_e) / (1 − p_e),  p_o = Σ w_ij p_ij,  p_e = Σ w_ij p_i. p_.j
 *
 * Standard error: the large-sample (non-null) variance of Fleiss, Cohen & Everitt (1969),
 *   Var = [Σ p_ij (w_ij − (w̄_i. + w̄_.j)(1 − κ))² − (κ − p_e(1 − κ))²] / (n (1 − p_e)²),
 *   w̄_i. = Σ_j p_.j w_ij, w̄_.j = Σ_i p_i. w_ij,
 * and the interval κ ± z·SE (as R's vcd::Kappa and SAS PROC FREQ report it).
 */
export type KappaWeights = 'unweighted' | 'linear' | 'quadratic';

export interface KappaResult {
  n: number;
  kappa: number;
  se: number;
  ci: Interval;
  /** observed and chance (weighted) agreement */
  po: number;
  pe: number;
  weights: KappaWeights;
  confidence: number;
  method: string;
}

export interface ConfusionMatrix {
  /** category labels in order (grades ascending; for yes/no: no, yes) */
  categories: readonly (string | number)[];
  /** counts[i][j]: items rater a put in category i and rater b in category j */
  counts: number[][];
}

/** Counts of every pair of calls; a call outside `categories` is an error, not silently dropped. */
export function confusionMatrix(a: readonly (string | number)[], b: readonly (string | number)[], categories: readonly (string | number)[]): ConfusionMatrix {
  if (a.length !== b.length) throw new AnalysisError(`confusion matrix needs paired calls, got ${a.length} and ${b.length}`);
  const index = new Map(categories.map((c, i) => [c, i]));
  const counts = categories.map(() => categories.map(() => 0));
  a.forEach((ca, i) => {
    const r = index.get(ca);
    const c = index.get(b[i]);
    if (r === undefined || c === undefined) throw new AnalysisError(`confusion matrix: call ${r === undefined ? ca : b[i]} is not one of ${categories.join(', ')}`);
    counts[r][c]++;
  });
  return { categories, counts };
}

function weightOf(i: number, j: number, q: number, weights: KappaWeights): number {
  if (weights === 'unweighted' || q === 1) return i === j ? 1 : 0;
  const d = Math.abs(i - j) / (q - 1);
  return weights === 'linear' ? 1 - d : 1 - d * d;
}

export function cohenKappa(table: ConfusionMatrix, weights: KappaWeights = 'unweighted', confidence = CONFIDENCE): KappaResult {
  checkConfidence(confidence, 'kappa');
  const q = table.categories.length;
  const c = table.counts;
  if (c.length !== q || c.some((r) => r.length !== q)) throw new AnalysisError(`kappa needs a square ${q} × ${q} table`);
  const n = c.flat().reduce((s, v) => s + v, 0);
  if (n === 0) throw new AnalysisError('kappa: no paired calls');
  const p = c.map((r) => r.map((v) => v / n));
  const rows = p.map((r) => r.reduce((s, v) => s + v, 0));
  const cols = Array.from({ length: q }, (_, j) => p.reduce((s, r) => s + r[j], 0));
  const w = Array.from({ length: q }, (_, i) => Array.from({ length: q }, (_, j) => weightOf(i, j, q, weights)));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      po += w[i][j] * p[i][j];
      pe += w[i][j] * rows[i] * cols[j];
    }
  }
  if (pe >= 1) throw new AnalysisError('kappa is undefined: both raters put every item in the same category');
  const kappa = (po - pe) / (1 - pe);
  const wRow = w.map((r) => r.reduce((s, v, j) => s + v * cols[j], 0));
  const wCol = Array.from({ length: q }, (_, j) => w.reduce((s, r, i) => s + r[j] * rows[i], 0));
  let sum = 0;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) sum += p[i][j] * (w[i][j] - (wRow[i] + wCol[j]) * (1 - kappa)) ** 2;
  const variance = (sum - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2);
  const se = Math.sqrt(Math.max(0, variance));
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  return {
    n,
    kappa,
    se,
    ci: { lower: Math.max(-1, kappa - z * se), upper: Math.min(1, kappa + z * se) },
    po,
    pe,
    weights,
    confidence,
    method: `${weights === 'unweighted' ? "Cohen's κ" : `${weights}-weighted κ`} with the Fleiss, Cohen & Everitt (1969) asymptotic standard error`,
  };
}
