/**
 * Slide-level QC: focus and folds judged against the slide's own block distribution, their
 * masks grown by dilateUm, the tissue each cause excludes, and the verdict.
 */
import type { QcParams } from '../../domain/params.js';
import { dilateBlocks } from './blocks.js';
import { focusMask, focusRatios } from './focus.js';
import { foldMask } from './fold.js';
import { QC_CAUSES, type QcCause, type QcTileResult } from './qc-tile.js';

export type QcVerdict = 'ok' | 'review' | 'fail';

export interface QcSlideResult {
  /** per tile (same order as given), per cause, the final block mask; `any` is their union */
  masks: (Record<QcCause, Uint8Array> & { any: Uint8Array })[];
  /** tissue area, µm², over the tissue blocks (minTissueFraction) */
  tissueUm2: number;
  /** % of tissue excluded per cause (a block flagged by two causes counts for each) and in all */
  excludedPct: Record<QcCause, number> & { any: number };
  verdict: QcVerdict;
  /** the slide references the decisions used */
  reference: { focusRatio: number; foldFloorOd: number };
}

export function qcSlide(tiles: readonly QcTileResult[], p: QcParams): QcSlideResult {
  const ratios = tiles.map((t) => focusRatios(t.stats, p, t.blockUm));
  const focusRef = median(ratios.flatMap((r) => Array.from(r).filter((v) => !Number.isNaN(v))));
  const floors: number[] = [];
  for (const t of tiles) for (let b = 0; b < t.stats.floor.length; b++) if (t.stats.tissue[b] >= p.minTissueFraction) floors.push(t.stats.floor[b]);
  const foldRef = median(floors);
  const sums: Record<QcCause | 'any', number> = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0, any: 0 };
  let tissue = 0;
  const masks = tiles.map((t, i) => {
    const { cols, rows } = t.stats;
    const grow = Math.round(p.dilateUm / t.blockUm);
    const growFocus = Math.round(p.focusDilateUm / t.blockUm);
    const none = new Uint8Array(cols * rows);
    const raw: Record<QcCause, Uint8Array> = {
      focus: Number.isFinite(focusRef) ? focusMask(t.stats, ratios[i], focusRef, p, t.blockUm) : none,
      fold: Number.isFinite(foldRef) ? foldMask(t.stats, foldRef, p, t.blockUm) : none,
      ice: t.masks.ice ?? none,
      pen: t.masks.pen,
      bubble: t.masks.bubble,
    };
    const out = { any: new Uint8Array(cols * rows) } as Record<QcCause, Uint8Array> & { any: Uint8Array };
    for (const c of QC_CAUSES) {
      // soft-edged causes (blur blend, fold shoulder) grow; pen, bubble and ice are cut at the pixel edge already
      out[c] = c === 'focus' ? dilateBlocks(raw[c], cols, rows, growFocus) : c === 'fold' ? dilateBlocks(raw[c], cols, rows, grow) : raw[c];
      for (let b = 0; b < cols * rows; b++) out.any[b] |= out[c][b];
    }
    const a = t.blockUm * t.blockUm;
    for (let b = 0; b < cols * rows; b++) {
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
  const verdict: QcVerdict = excludedPct.any > p.failPct ? 'fail' : excludedPct.any > p.reviewPct ? 'review' : 'ok';
  return { masks, tissueUm2: tissue, excludedPct, verdict, reference: { focusRatio: focusRef, foldFloorOd: foldRef } };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[s.length >> 1];
}
