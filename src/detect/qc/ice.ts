/**
 * Freezing artefact of frozen muscle sections: many small round holes (ice crystals) where the
 * sarcoplasm is missing. A hole is a bright spot: its smoothed OD lies well below the closing of
 * the OD (the fibre around it); a single round lumen is a vessel, so a block is ice only where
 * holes are dense around it.
 */
import type { QcParams } from '../../domain/params.js';
import { componentStats, ComponentLabeller } from '../../image/label.js';
import { MinMaxFilter } from '../../image/min-max-filter.js';
import type { BlockGrid } from './blocks.js';
import type { QcPlanes } from './planes.js';

// this thread's filter, labeller and full-tile buffers, kept between tiles: a fresh filter
// allocated its column buffers (two planes as tall as the tile plus the window) for every tile
const filter = new MinMaxFilter();
const labeller = new ComponentLabeller();
let closedBuf = new Float32Array(0);
let spotBuf = new Uint8Array(0);
let labelBuf = new Int32Array(0);

export function iceMask(pl: QcPlanes, g: BlockGrid, mpp: number, p: QcParams): Uint8Array {
  const { width: w, height: h, smooth } = pl;
  const n = w * h;
  const r = Math.max(1, Math.round(p.iceRadiusUm / mpp));
  if (closedBuf.length < n) {
    closedBuf = new Float32Array(n);
    spotBuf = new Uint8Array(n);
    labelBuf = new Int32Array(n);
  }
  const closed = closedBuf.subarray(0, n);
  filter.closing(smooth, closed, w, h, r);
  const spot = spotBuf.subarray(0, n);
  const { iceMaxOd, iceContrast } = p;
  for (let q = 0; q < n; q++) spot[q] = smooth[q] <= iceMaxOd && closed[q] - smooth[q] >= iceContrast ? 1 : 0;
  const labels = labelBuf.subarray(0, n);
  const count = labeller.label(spot, w, h, labels, 8);
  const st = componentStats(labels, w, h, count);
  const px2 = mpp * mpp;
  const keep = new Uint8Array(count + 1);
  for (let l = 1; l <= count; l++) {
    const a = st.area[l] * px2;
    const box = (st.x1[l] - st.x0[l] + 1) * (st.y1[l] - st.y0[l] + 1);
    // round: a disc fills π/4 of its box; tears and gaps between fibres are long and thin, and the
    // gap where three fibres meet is a triangle (at most half its box)
    if (a >= p.iceMinUm2 && a <= p.iceMaxUm2 && st.area[l] >= p.iceMinFill * box) keep[l] = 1;
  }
  // A vessel lumen wider than the closing, or glass in a bay of the section's edge, has a centre
  // the closing cannot reach: only its rim reads as spots, broken into several round-looking ones
  // that would count as a window's holes. Such a spot borders glass-bright pixels that are no
  // spot; a crystal hole borders sarcoplasm.
  if (p.iceLumenOd !== null) {
    const nb = [-1, 1, -w, w];
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1, q = y * w + 1; x < w - 1; x++, q++) {
        const l = labels[q];
        if (l === 0 || keep[l] === 0) continue;
        for (const d of nb) {
          if (spot[q + d] === 0 && smooth[q + d] <= p.iceLumenOd) {
            keep[l] = 0;
            break;
          }
        }
      }
    }
  }
  const holeArea = new Float32Array(g.cols * g.rows);
  // holes by the block of their box's centre: a window needs iceMinHoles of them (a lumen is single)
  const holes = new Uint16Array(g.cols * g.rows);
  for (let l = 1; l <= count; l++) if (keep[l]) holes[Math.floor((st.y0[l] + st.y1[l]) / 2 / g.blockPx) * g.cols + Math.floor((st.x0[l] + st.x1[l]) / 2 / g.blockPx)]++;
  const spotArea = new Float32Array(g.cols * g.rows);
  // each column's block, once (not a division per pixel); only spot pixels can be a kept hole's
  const colBlock = new Int32Array(w);
  for (let x = 0; x < w; x++) colBlock[x] = Math.floor(x / g.blockPx);
  for (let y = 0; y < h; y++) {
    const by = Math.floor(y / g.blockPx) * g.cols;
    for (let x = 0, q = y * w; x < w; x++, q++) {
      if (!spot[q]) continue;
      const b = by + colBlock[x];
      if (keep[labels[q]]) holeArea[b]++;
      spotArea[b]++;
    }
  }
  const out = new Uint8Array(g.cols * g.rows);
  const wr = Math.max(0, Math.round(p.iceWindowUm / (g.blockPx * mpp) / 2));
  for (let by = 0; by < g.rows; by++) {
    for (let bx = 0; bx < g.cols; bx++) {
      let a = 0, px = 0, k = 0;
      for (let yy = Math.max(0, by - wr); yy <= Math.min(g.rows - 1, by + wr); yy++) {
        for (let xx = Math.max(0, bx - wr); xx <= Math.min(g.cols - 1, bx + wr); xx++) {
          a += holeArea[yy * g.cols + xx];
          k += holes[yy * g.cols + xx];
          px += Math.min(g.blockPx, w - xx * g.blockPx) * Math.min(g.blockPx, h - yy * g.blockPx);
        }
      }
      // the dense window says the region is freezing artefact; only the blocks that hold a bright
      // spot (a hole, round or cut by the block) are lost tissue: the sarcoplasm between the holes
      // is intact and still measured
      if (a >= p.iceFraction * px && k >= p.iceMinHoles && spotArea[by * g.cols + bx] > 0) out[by * g.cols + bx] = 1;
    }
  }
  return out;
}
