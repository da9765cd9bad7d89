/**
 * The two halves of slide QC, run apart by the pipeline: the slide references from a sample of
 * tiles (at plan time), and one tile's decision against them (in the tile job). qcSlide runs both
 * over one set of tiles.
 */
import type { QcParams } from '../../domain/params.js';
import { QC_CAUSE_IDS, type QcCauseId, type QcReference } from '../../domain/qc.js';
import { dilateBlocks } from './blocks.js';
import { focusMask, focusRatios } from './focus.js';
import { foldMask } from './fold.js';
import { QC_CAUSES, type QcCause, type QcTileResult } from './qc-tile.js';

// the domain's cause list (job payloads, stored results) and the detectors' are one list
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const SAME_CAUSES: Same<QcCause, QcCauseId> = true;
if (SAME_CAUSES && QC_CAUSES.join() !== QC_CAUSE_IDS.join()) throw new Error('QC causes differ between src/domain/qc.ts and src/detect/qc/qc-tile.ts');

export type QcTileMasks = Record<QcCause, Uint8Array> & { any: Uint8Array };

/** Median focus ratio of the tiles' judged windows and median floor of their tissue blocks (null: nothing to judge, or folds not looked for). */
export function qcReference(tiles: readonly QcTileResult[], p: QcParams): QcReference {
  const ratios: number[] = [];
  for (const t of tiles) for (const v of focusRatios(t.stats, p, t.blockUm)) if (!Number.isNaN(v)) ratios.push(v);
  // the tiles measured floors only when folds are looked for (blockStats)
  const floors: number[] = [];
  if (p.causes.includes('fold')) for (const t of tiles) for (let b = 0; b < t.stats.floor.length; b++) if (t.stats.tissue[b] >= p.minTissueFraction) floors.push(t.stats.floor[b]);
  const focus = median(ratios);
  const floor = median(floors);
  const out: QcReference = { focusRatio: focus > 0 ? focus : null, foldFloorOd: Number.isFinite(floor) ? floor : null, tiles: tiles.length };
  if (p.focusPlane === 'both') {
    const h: number[] = [];
    for (const t of tiles) for (const v of focusRatios(t.stats, p, t.blockUm, 'hema')) if (!Number.isNaN(v)) h.push(v);
    const hm = median(h);
    out.focusRatioHema = hm > 0 ? hm : null;
  }
  return out;
}

/**
 * One tile's final block mask per cause against the slide references (qcSlide's per-tile rule:
 * focus and folds against the references and grown, pen, bubble and ice as the tile found them),
 * and their union. Causes not in p.causes, and focus or folds without a reference, flag nothing.
 */
export function qcDecideTile(t: QcTileResult, reference: QcReference, p: QcParams): QcTileMasks {
  const { cols, rows } = t.stats;
  const n = cols * rows;
  const none = new Uint8Array(n);
  const on = new Set<QcCause>(p.causes);
  const raw: Record<QcCause, Uint8Array> = {
    focus: on.has('focus') && reference.focusRatio !== null ? focusMask(t.stats, focusRatios(t.stats, p, t.blockUm), reference.focusRatio, p, t.blockUm, hemaFocus(t, reference, p)) : none,
    fold: on.has('fold') && reference.foldFloorOd !== null ? foldMask(t.stats, reference.foldFloorOd, p, t.blockUm) : none,
    ice: on.has('ice') ? (t.masks.ice ?? none) : none,
    pen: on.has('pen') ? t.masks.pen : none,
    bubble: on.has('bubble') ? t.masks.bubble : none,
  };
  const out = { any: new Uint8Array(n) } as QcTileMasks;
  for (const c of QC_CAUSES) {
    // soft-edged causes (blur blend, fold shoulder) grow; pen, bubble and ice are cut at the pixel edge already
    const grow = c === 'focus' ? Math.round(p.focusDilateUm / t.blockUm) : c === 'fold' ? Math.round(p.dilateUm / t.blockUm) : 0;
    out[c] = grow > 0 ? dilateBlocks(raw[c], cols, rows, grow) : raw[c];
    for (let b = 0; b < n; b++) out.any[b] |= out[c][b];
  }
  return out;
}

/** focusPlane 'both': the hematoxylin ratios and reference the focus decision also needs (none: decided on summed OD alone) */
function hemaFocus(t: QcTileResult, reference: QcReference, p: QcParams): { ratios: Float32Array; reference: number } | undefined {
  if (p.focusPlane !== 'both' || !reference.focusRatioHema) return undefined;
  return { ratios: focusRatios(t.stats, p, t.blockUm, 'hema'), reference: reference.focusRatioHema };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[s.length >> 1];
}
