/**
 * Tissue folds: a double-thickness band, every stain concentration about doubled (darker and
 * more saturated than its surroundings). Judged on a block's FLOOR (a low percentile), since
 * a cluster of nuclei raises a block's mean but leaves the stroma between them — and its floor —
 * as it was, while a fold raises everything. A block is fold when its floor reaches foldRatio ×
 * the slide's median floor AND foldLocalRatio × the median floor of the tissue blocks within
 * foldLocalUm: a fold doubles what lies beside it, while the slide-wide rule alone flags every
 * tissue that is darker by nature (perimysial septa, whose hematoxylin is 2–3 × the sarcoplasm's,
 * MHC-positive fibres, vignetted corners). It cannot tell a fold across pale fibres from a septum
 * of the same width and darkness: that confusion is what remains (see params.qc).
 */
import type { QcParams } from '../../domain/params.js';
import { dropSmallGroups, type QcBlockStats } from './blocks.js';

export function foldMask(st: QcBlockStats, reference: number, p: QcParams, blockUm: number): Uint8Array {
  const { floor } = st;
  const { cols, rows } = st;
  const out = new Uint8Array(floor.length);
  const cut = p.foldRatio * reference;
  const r = Math.round(p.foldLocalUm / blockUm);
  const ring: number[] = [];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const b = y * cols + x;
      if (st.tissue[b] < p.minTissueFraction || floor[b] < cut) continue;
      if (r > 0) {
        // the band against its own surroundings: a fold doubles what lies beside it
        ring.length = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) {
            const q = yy * cols + xx;
            if (st.tissue[q] >= p.minTissueFraction) ring.push(floor[q]);
          }
        }
        ring.sort((a, c) => a - c);
        if (floor[b] < p.foldLocalRatio * ring[Math.floor(p.foldLocalPercentile * (ring.length - 1))]) continue;
      }
      out[b] = 1;
    }
  }
  return dropSmallGroups(out, cols, rows, Math.ceil(p.foldMinUm2 / (blockUm * blockUm)));
}
