/**
 * Tissue folds: a double-thickness band, every stain concentration about doubled (darker and
 * more saturated than its surroundings). Judged on a block's OD FLOOR (a low percentile), since
 * a cluster of nuclei raises a block's mean but leaves the stroma between them — and its floor —
 * as it was, while a fold raises everything. Slide level: the reference is the median floor of
 * the slide's tissue blocks.
 */
import type { QcParams } from '../../domain/params.js';
import { dropSmallGroups, type QcBlockStats } from './blocks.js';

export function foldMask(st: QcBlockStats, reference: number, p: QcParams, blockUm: number): Uint8Array {
  const out = new Uint8Array(st.floor.length);
  const cut = p.foldRatio * reference;
  for (let b = 0; b < out.length; b++) if (st.tissue[b] >= p.minTissueFraction && st.floor[b] >= cut) out[b] = 1;
  return dropSmallGroups(out, st.cols, st.rows, Math.ceil(p.foldMinUm2 / (blockUm * blockUm)));
}
