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
import { dropSmallGroups, type QcBlockStats } from './blocks.js';

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
  return dropSmallGroups(out, cols, rows, Math.ceil(p.foldMinUm2 / (blockUm * blockUm)));
}
