/**
 * Out-of-focus blocks (HistoQC: low gradient energy against the slide's own distribution). The
 * energy itself depends on what the block holds (flat stroma has none, in focus or not), so a
 * block is judged by the RATIO of its fine-scale to its coarse-scale gradient energy: an edge
 * blurred by σ_t gives energy ∝ 1/σ_t, so in focus the ratio is ≈ σ_t,coarse / σ_t,fine (≈ 2.4 at
 * the default scales), and under a heavy blur both scales see the same smooth edge (≈ 1.1).
 * Only blocks with an edge to judge (coarse energy ≥ focusMinEnergy) are decided; the rest take
 * the vote of their decided neighbours. Slide level: the reference is the median ratio of the
 * slide's decided tissue blocks.
 */
import type { QcParams } from '../../domain/params.js';
import type { QcBlockStats } from './blocks.js';

/**
 * Per block, the fine/coarse energy ratio summed over the tissue blocks within focusVoteUm (an
 * edge just outside one block reaches its coarse energy but not its fine one, so single blocks
 * read falsely blurred), or NaN where the window holds too little edge to judge.
 */
export function focusRatios(st: QcBlockStats, p: QcParams, blockUm: number): Float32Array {
  const { cols, rows } = st;
  const r = Math.round(p.focusVoteUm / blockUm);
  const out = new Float32Array(cols * rows).fill(NaN);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let f = 0, c = 0, k = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) {
          const b = yy * cols + xx;
          if (st.tissue[b] < p.minTissueFraction) continue;
          f += st.fine[b];
          c += st.coarse[b];
          k++;
        }
      }
      if (k > 0 && c / k >= p.focusMinEnergy) out[y * cols + x] = f / c;
    }
  }
  return out;
}

/** Blurred blocks of one tile against the slide's reference ratio. */
export function focusMask(st: QcBlockStats, ratios: Float32Array, reference: number, p: QcParams): Uint8Array {
  const out = new Uint8Array(ratios.length);
  const cut = p.focusRatio * reference;
  for (let b = 0; b < out.length; b++) if (st.tissue[b] >= p.minTissueFraction && ratios[b] < cut) out[b] = 1;
  return out;
}
