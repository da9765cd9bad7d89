/**
 * Slide-level QC: focus and folds judged against the slide's own block distribution, their
 * masks grown by dilateUm, the tissue each cause excludes, and the verdict.
 */
import type { QcParams } from '../../domain/params.js';
import { qcVerdict, type QcVerdict } from '../../domain/qc.js';
import { qcDecideTile, qcReference, type QcTileMasks } from './qc-reference.js';
import { QC_CAUSES, type QcCause, type QcTileResult } from './qc-tile.js';

export type { QcVerdict } from '../../domain/qc.js';

export interface QcSlideResult {
  /** per tile (same order as given), per cause, the final block mask; `any` is their union */
  masks: QcTileMasks[];
  /** tissue area, µm², over the tissue blocks (minTissueFraction) */
  tissueUm2: number;
  /** % of tissue excluded per cause (a block flagged by two causes counts for each) and in all */
  excludedPct: Record<QcCause, number> & { any: number };
  verdict: QcVerdict;
  /** the slide references the decisions used (NaN where there was nothing to judge) */
  reference: { focusRatio: number; foldFloorOd: number };
}

/**
 * Every tile judged against references from all of them: the pipeline's two halves
 * (qc-reference.ts) run over one set of tiles, plus the tissue each cause excludes and the verdict.
 */
export function qcSlide(tiles: readonly QcTileResult[], p: QcParams): QcSlideResult {
  const reference = qcReference(tiles, p);
  const sums: Record<QcCause | 'any', number> = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0, any: 0 };
  let tissue = 0;
  const masks = tiles.map((t) => {
    const out = qcDecideTile(t, reference, p);
    const a = t.blockUm * t.blockUm;
    for (let b = 0; b < out.any.length; b++) {
      const ts = t.stats.tissue[b];
      if (ts < p.minTissueFraction) continue;
      tissue += ts * a;
      for (const c of QC_CAUSES) if (out[c][b]) sums[c] += ts * a;
      if (out.any[b]) sums.any += ts * a;
    }
    return out;
  });
  const pct = (v: number): number => (tissue > 0 ? (100 * v) / tissue : 0);
  const excludedPct = { focus: pct(sums.focus), fold: pct(sums.fold), ice: pct(sums.ice), pen: pct(sums.pen), bubble: pct(sums.bubble), any: pct(sums.any) };
  return {
    masks,
    tissueUm2: tissue,
    excludedPct,
    verdict: qcVerdict(excludedPct.any, p),
    reference: { focusRatio: reference.focusRatio ?? NaN, foldFloorOd: reference.foldFloorOd ?? NaN },
  };
}
