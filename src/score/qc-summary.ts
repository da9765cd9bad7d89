import type { TileResult } from '../domain/detection.js';
import { AnalysisError } from '../errors/index.js';
import type { QcParams } from '../domain/params.js';
import { QC_CAUSE_IDS, qcVerdict, type QcSummary } from '../domain/qc.js';
import { tissueAreaMm2 } from './density.js';

/**
 * A slide's QC summary from its tile results (issue 10 point 4): the share of the tissue each cause
 * excluded, over all the tissue (analysed + excluded in all), and the verdict. The tiles' counts
 * already leave the excluded tissue out, so every score is computed without it; this only reports
 * how much went. Null when the tiles carry no QC (params.qc.enabled off).
 */
export function qcSummary(results: readonly TileResult[], opts: { mpp: number; qc: QcParams }): QcSummary | null {
  const withQc = results.filter((r) => r.qc !== undefined).length;
  if (withQc === 0) return null;
  if (withQc !== results.length) throw new AnalysisError(`${withQc} of ${results.length} tiles carry a QC result; a slide is judged whole or not at all`);
  const excluded = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0, any: 0 };
  let analysed = 0;
  for (const r of results) {
    analysed += r.tissuePixels;
    const e = r.qc!.excludedTissuePixels;
    for (const c of QC_CAUSE_IDS) excluded[c] += e[c];
    excluded.any += e.any;
  }
  const total = analysed + excluded.any;
  const pct = (v: number): number => (total > 0 ? (100 * v) / total : 0);
  const excludedPct = { focus: pct(excluded.focus), fold: pct(excluded.fold), ice: pct(excluded.ice), pen: pct(excluded.pen), bubble: pct(excluded.bubble), any: pct(excluded.any) };
  return { verdict: qcVerdict(excludedPct.any, opts.qc), excludedPct, excludedMm2: tissueAreaMm2(excluded.any, opts.mpp), causes: [...opts.qc.causes] };
}
