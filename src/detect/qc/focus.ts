/**
 * Out-of-focus blocks (HistoQC: low gradient energy against the slide's own distribution). The
 * energy itself depends on what the block holds (flat stroma has none, in focus or not), so a
 * block is judged by the RATIO of its fine-scale to its coarse-scale gradient energy: an edge
 * blurred by σ_t gives energy ∝ 1/σ_t, so in focus the ratio is ≈ σ_t,coarse / σ_t,fine (≈ 2.4 at
 * the default scales), and under a heavy blur both scales see the same smooth edge (≈ 1.1).
 * Slide level: the reference is the median ratio of the slide's judged windows.
 */
import type { QcParams } from '../../domain/params.js';
import { medianInPlace } from '../../image/kth-smallest.js';
import { dropSmallGroups, type QcBlockStats } from './blocks.js';

/**
 * Per tissue block, the MEDIAN of the judged ratios of the tissue blocks within focusVoteUm, or
 * NaN where fewer than focusMinJudged of them are judged. A block's ratio is that of the fine and
 * coarse energies summed over it and its 8 neighbours: the coarse smoothing spreads an edge's
 * energy into the blocks beside it, so a single block next to a sharp nucleus reads a ratio below
 * one (falsely blurred) while the 3 × 3 sum holds the whole edge. It is judged when that summed
 * coarse energy reaches focusMinEnergy (flat stroma and fibre interiors have no edge to judge and
 * borrow the verdict of the judged blocks around them). A median, not the ratio of the window's
 * summed energies: summed, the few sharp blocks of a window straddling a blurred patch's edge
 * outweigh its blurred ones (sharp edges carry far more energy).
 */
export function focusRatios(st: QcBlockStats, p: QcParams, blockUm: number, plane: 'main' | 'hema' = 'main'): Float32Array {
  const { cols, rows } = st;
  const fine = plane === 'main' ? st.fine : st.hFine;
  const coarse = plane === 'main' ? st.coarse : st.hCoarse;
  const nb = cols * rows;
  // statistics made without the hematoxylin energies (another focusPlane): nothing judged, summed OD decides alone
  if (!fine || !coarse) return new Float32Array(nb).fill(NaN);
  const judged = new Float32Array(nb).fill(NaN);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const b = y * cols + x;
      if (st.tissue[b] < p.minTissueFraction) continue;
      let f = 0, c = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(rows - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(cols - 1, x + 1); xx++) {
          f += fine[yy * cols + xx];
          c += coarse[yy * cols + xx];
        }
      }
      if (c / 9 >= p.focusMinEnergy) judged[b] = f / c;
    }
  }
  const r = Math.round(p.focusVoteUm / blockUm);
  const out = new Float32Array(nb).fill(NaN);
  // the window's judged ratios (float32 values, none NaN) in a typed buffer; the median by selection
  const window = new Float32Array((2 * r + 1) ** 2);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (st.tissue[y * cols + x] < p.minTissueFraction) continue;
      let k = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) {
          const v = judged[yy * cols + xx];
          if (!Number.isNaN(v)) window[k++] = v;
        }
      }
      if (k > 0 && k >= p.focusMinJudged) out[y * cols + x] = medianInPlace(window.subarray(0, k));
    }
  }
  return out;
}

/**
 * Blurred blocks of one tile against the slide's reference ratio; groups smaller than focusMinUm2
 * dropped (a blurred patch is a field, not a speck). With hematoxylin ratios and their reference
 * (focusPlane 'both'), a block must read blurred on both planes.
 */
export function focusMask(st: QcBlockStats, ratios: Float32Array, reference: number, p: QcParams, blockUm: number, hema?: { ratios: Float32Array; reference: number }): Uint8Array {
  const out = new Uint8Array(ratios.length);
  const cut = p.focusRatio * reference;
  const hCut = hema ? p.focusHemaRatio * hema.reference : 0;
  const hAloneCut = hema ? p.focusHemaAloneRatio * hema.reference : 0;
  for (let b = 0; b < out.length; b++) {
    if (st.tissue[b] < p.minTissueFraction) continue;
    if ((ratios[b] < cut && (!hema || !(hema.ratios[b] >= hCut))) || (hema && hema.ratios[b] < hAloneCut)) out[b] = 1;
  }
  return dropSmallGroups(out, st.cols, st.rows, Math.ceil(p.focusMinUm2 / (blockUm * blockUm)));
}
