/**
 * Out-of-focus blocks (HistoQC: low gradient energy against the slide's own distribution). The
 * energy itself depends on what the block holds (flat stroma has none, in focus or not), so a
 * block is judged by the RATIO of its fine-scale to its coarse-scale gradient energy: an edge
 * blurred by σ_t gives energy ∝ 1/σ_t, so in focus the ratio is ≈ σ_t,coarse / σ_t,fine (≈ 2.4 at
 * the default scales), and under a heavy blur both scales see the same smooth edge (≈ 1.1).
 * Slide level: the reference is the median ratio of the slide's judged windows.
 */
import type { QcParams } from '../../domain/params.js';
import { dropSmallGroups, type QcBlockStats } from './blocks.js';

/**
 * Per block, the MEDIAN of the fine/coarse ratios of the tissue blocks within focusVoteUm that
 * have an edge to judge (coarse energy ≥ focusMinEnergy), or NaN where fewer than half of the
 * window's tissue blocks do. A median, not the ratio of summed energies: summed, the few sharp
 * blocks of a window straddling a blurred patch's edge outweigh its blurred ones (sharp edges
 * carry far more energy), and a lone textureless block reads falsely blurred.
 */
export function focusRatios(st: QcBlockStats, p: QcParams, blockUm: number): Float32Array {
  const { cols, rows } = st;
  const r = Math.round(p.focusVoteUm / blockUm);
  const out = new Float32Array(cols * rows).fill(NaN);
  const vals: number[] = [];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let k = 0;
      vals.length = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) {
          const b = yy * cols + xx;
          if (st.tissue[b] < p.minTissueFraction) continue;
          k++;
          if (st.coarse[b] >= p.focusMinEnergy) vals.push(st.fine[b] / st.coarse[b]);
        }
      }
      if (k > 0 && vals.length >= 0.5 * k) {
        vals.sort((a, b) => a - b);
        out[y * cols + x] = vals[vals.length >> 1];
      }
    }
  }
  return out;
}

/** Blurred blocks of one tile against the slide's reference ratio; groups smaller than focusMinUm2 dropped (a blurred patch is a field, not a speck). */
export function focusMask(st: QcBlockStats, ratios: Float32Array, reference: number, p: QcParams, blockUm: number): Uint8Array {
  const out = new Uint8Array(ratios.length);
  const cut = p.focusRatio * reference;
  for (let b = 0; b < out.length; b++) if (st.tissue[b] >= p.minTissueFraction && ratios[b] < cut) out[b] = 1;
  return dropSmallGroups(out, st.cols, st.rows, Math.ceil(p.focusMinUm2 / (blockUm * blockUm)));
}
