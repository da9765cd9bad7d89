/**
 * Air bubbles and debris: a sharp dark rim that absorbs all three channels alike (air/glass
 * edges and debris are grey; each stain absorbs one channel weakly) around a region with no
 * tissue texture. Regions the rim encloses within the tile, large and flat enough, are bubbles;
 * the rim is part of the bubble.
 */
import type { QcParams } from '../../domain/params.js';
import { componentStats, ComponentLabeller } from '../../image/label.js';
import type { BlockGrid } from './blocks.js';
import type { QcPlanes } from './planes.js';

export function bubbleMask(pl: QcPlanes, g: BlockGrid, mpp: number, p: QcParams): Uint8Array {
  const { width: w, height: h, smooth, neutrality } = pl;
  const n = w * h;
  const open = new Uint8Array(n);
  for (let q = 0; q < n; q++) open[q] = smooth[q] >= p.bubbleRimOd && neutrality[q] >= p.bubbleNeutral ? 0 : 1;
  const labels = new Int32Array(n);
  // 4-connected: a diagonal step between two rim pixels does not let the inside out
  const count = new ComponentLabeller().label(open, w, h, labels, 4);
  const cs = componentStats(labels, w, h, count);
  const interior = new Uint8Array(count + 1);
  const minPx = p.bubbleMinUm2 / (mpp * mpp);
  for (let l = 1; l <= count; l++) {
    const touches = cs.x0[l] === 0 || cs.y0[l] === 0 || cs.x1[l] === w - 1 || cs.y1[l] === h - 1;
    if (!touches && cs.area[l] >= minPx) interior[l] = 1;
  }
  // flatness of each enclosed region: the s.d. of its smoothed OD (tissue has texture; the film over a bubble has none)
  const sum = new Float64Array(count + 1);
  const sum2 = new Float64Array(count + 1);
  for (let q = 0; q < n; q++) {
    const l = labels[q];
    if (!interior[l]) continue;
    sum[l] += smooth[q];
    sum2[l] += smooth[q] * smooth[q];
  }
  for (let l = 1; l <= count; l++) {
    if (!interior[l]) continue;
    const m = sum[l] / cs.area[l];
    if (Math.sqrt(Math.max(0, sum2[l] / cs.area[l] - m * m)) > p.bubbleFlatSd) interior[l] = 0;
  }
  const share = new Float32Array(g.cols * g.rows);
  for (let q = 0; q < n; q++) {
    if (!interior[labels[q]]) continue;
    const x = q % w, y = (q - x) / w;
    share[Math.floor(y / g.blockPx) * g.cols + Math.floor(x / g.blockPx)]++;
  }
  const out = new Uint8Array(g.cols * g.rows);
  const full = g.blockPx * g.blockPx;
  for (let b = 0; b < out.length; b++) if (share[b] >= 0.25 * full) out[b] = 1;
  return out;
}
