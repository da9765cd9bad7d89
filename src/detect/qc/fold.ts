/**
 * Tissue folds: a double-thickness band, every stain concentration about doubled (darker and
 * more saturated than its surroundings). Judged on a block's FLOOR (a low percentile), since
 * a cluster of nuclei raises a block's mean but leaves the stroma between them — and its floor —
 * as it was, while a fold raises everything. A block is fold when its floor reaches foldRatio ×
 * the slide's median floor AND foldLocalRatio × a low percentile of the floors of the tissue
 * blocks within foldLocalUm (what lies beside it, even from the middle of a wide fold), AND its
 * hematoxylin floor and its DAB floor rise as much against the same neighbours: a fold doubles
 * every absorber of what it covers, counterstain and non-nuclear background alike, while a
 * DAB-filled MHC-positive fibre raises only DAB and a perimysial septum between pale fibres only
 * hematoxylin (connective tissue, 2–3 × the sarcoplasm's counterstain, its background no
 * higher). Where there is next to no DAB background to double, foldDabSlackOd lets the DAB test
 * pass, and a septum there still reads as a fold.
 */
import type { QcParams } from '../../domain/params.js';
import { dropSmallGroups, forEachBlockGroup, type QcBlockStats } from './blocks.js';

export function foldMask(st: QcBlockStats, reference: number, p: QcParams, blockUm: number): Uint8Array {
  const { floor, hFloor, dFloor } = st;
  const { cols, rows } = st;
  const out = new Uint8Array(floor.length);
  const cut = p.foldRatio * reference;
  const r = Math.round(p.foldLocalUm / blockUm);
  const ring: number[] = [];
  const hRing: number[] = [];
  const dRing: number[] = [];
  const at = (xs: number[]): number => xs.sort((a, c) => a - c)[Math.floor(p.foldLocalPercentile * (xs.length - 1))];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const b = y * cols + x;
      if (st.tissue[b] < p.minTissueFraction || floor[b] < cut) continue;
      if (r > 0) {
        ring.length = 0;
        hRing.length = 0;
        dRing.length = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) {
            const q = yy * cols + xx;
            if (st.tissue[q] < p.minTissueFraction) continue;
            ring.push(floor[q]);
            hRing.push(hFloor[q]);
            dRing.push(dFloor[q]);
          }
        }
        if (ring.length === 0 || floor[b] < p.foldLocalRatio * at(ring)) continue;
        // a fold raises the counterstain too; a DAB-filled (MHC-positive) fibre does not
        if (hFloor[b] < p.foldHemaRatio * at(hRing)) continue;
        // ... and the DAB-like background with it: a fold doubles every absorber of what it covers,
        // while a perimysial septum is connective tissue whose hematoxylin alone is high
        if (dFloor[b] < p.foldDabRatio * at(dRing) - p.foldDabSlackOd) continue;
      }
      out[b] = 1;
    }
  }
  const kept = dropSmallGroups(out, cols, rows, Math.ceil(p.foldMinUm2 / (blockUm * blockUm)));
  return keepDabDoubledGroups(st, kept, p, Math.round(p.foldGroupRingUm / blockUm));
}

/**
 * The band test: a fold doubles the DAB background of everything it covers, so the median DAB
 * floor of a flagged group must reach foldGroupDabRatio × the median DAB floor of the tissue
 * blocks around it (within foldGroupRingUm, outside every group). Per block the DAB floor is too
 * noisy at background levels (0–0.03 OD) to tell a fold (× 1.8–2.2) from a perimysial septum or
 * a vessel wall (connective tissue: hematoxylin 2–3 × the sarcoplasm's, DAB background about the
 * same, so the block rule needs foldDabSlackOd to keep folds where the background is faint);
 * over a group of tens of blocks it is not. Ink over a fold reads negative DAB (off the stain
 * plane) and is left out of the medians.
 */

function keepDabDoubledGroups(st: QcBlockStats, mask: Uint8Array, p: QcParams, ring: number): Uint8Array {
  const { cols, rows, dFloor, tissue } = st;
  const out = new Uint8Array(mask.length);
  const near = new Int32Array(mask.length);
  const inside: number[] = [];
  const around: number[] = [];
  forEachBlockGroup(mask, cols, rows, (group, s) => {
    inside.length = 0;
    around.length = 0;
    for (const b of group) {
      if (dFloor[b] >= 0) inside.push(dFloor[b]);
      const x = b % cols, y = (b - x) / cols;
      for (let yy = Math.max(0, y - ring); yy <= Math.min(rows - 1, y + ring); yy++) {
        for (let xx = Math.max(0, x - ring); xx <= Math.min(cols - 1, x + ring); xx++) {
          const q = yy * cols + xx;
          if (mask[q] || near[q] === s + 1 || tissue[q] < p.minTissueFraction || !(dFloor[q] >= 0)) continue;
          near[q] = s + 1;
          around.push(dFloor[q]);
        }
      }
    }
    const dAround = median(around);
    if (inside.length > 0 && around.length > 0 && !(median(inside) >= p.foldGroupDabRatio * dAround)) return;
    for (const b of group) out[b] = 1;
  });
  return out;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
}
