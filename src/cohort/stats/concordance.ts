import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { AnalysisError } from '../../errors/index.js';
import { CONFIDENCE, checkConfidence, type Interval } from './interval.js';
import { checkPairs, mean } from './paired-values.js';

/**
 * Lin's concordance correlation coefficient (Lin 1989; variance corrected in Lin 2000):
 * ρc = 2·s_ab / (s_a² + s_b² + (ā − b̄)²) with n-denominator moments, = r · C_b (precision ×
 * accuracy). The interval is on Fisher's z = atanh(ρc) with Lin's asymptotic standard error
 *
 *   SE(ρc)² = [(1 − r²) ρc² (1 − ρc²) / r² + 2 ρc³ (1 − ρc) u² / r − ρc⁴ u⁴ / (2 r²)] / (n − 2),
 *   SE(z) = SE(ρc) / (1 − ρc²),  u = (ā − b̄) / (s_a s_b)^½,
 *
 * back-transformed with tanh, as R's epiR::epi.ccc and DescTools::CCC ("z-transform") do.
 */
export interface ConcordanceResult {
  n: number;
  ccc: number;
  ci: Interval;
  /** Pearson's r: precision */
  pearson: number;
  /** bias correction factor C_b = ρc / r: accuracy */
  cb: number;
  confidence: number;
  method: string;
}

export function linConcordance(a: readonly number[], b: readonly number[], confidence = CONFIDENCE): ConcordanceResult {
  checkPairs(a, b, 3, "Lin's concordance");
  checkConfidence(confidence, "Lin's concordance");
  const n = a.length;
  const ma = mean(a);
  const mb = mean(b);
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < n; i++) {
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
    sab += (a[i] - ma) * (b[i] - mb);
  }
  if (saa === 0 || sbb === 0) throw new AnalysisError("Lin's concordance: one of the methods gives the same value for every item");
  const [va, vb, cov] = [saa / n, sbb / n, sab / n];
  const ccc = (2 * cov) / (va + vb + (ma - mb) ** 2);
  const r = sab / Math.sqrt(saa * sbb);
  const u = (ma - mb) / Math.pow(va * vb, 0.25);
  const se = Math.sqrt(((1 - r * r) * ccc * ccc * (1 - ccc * ccc)) / (r * r) + (2 * ccc ** 3 * (1 - ccc) * u * u) / r - (ccc ** 4 * u ** 4) / (2 * r * r)) / Math.sqrt(n - 2);
  const z = Math.atanh(ccc);
  const h = (normalQuantile(1 - (1 - confidence) / 2, 0, 1) * se) / (1 - ccc * ccc);
  return {
    n,
    ccc,
    ci: { lower: Math.tanh(z - h), upper: Math.tanh(z + h) },
    pearson: r,
    cb: ccc / r,
    confidence,
    method: "Lin's concordance correlation (Lin 1989, 2000), interval on Fisher's z",
  };
}
