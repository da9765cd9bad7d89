/**
 * Air bubbles and debris: a sharp dark rim that absorbs all three channels alike (air/glass
 * edges and debris are grey; each stain absorbs one channel weakly) around a region with no
 * tissue texture. Regions the rim bounds, large and flat enough, are bubbles; a block is bubble
 * when a small share of it is (the edge is sharp: no growing needed).
 */
import type { QcParams } from '../../domain/params.js';
import { ComponentLabeller, componentsOnEdge } from '../../image/label.js';
import type { BlockGrid } from './blocks.js';
import { neutralityOf, offPlaneShareOf, type QcPlanes } from './planes.js';

// this thread's labeller and full-tile buffers, kept between tiles (a tile's bubble search lives inside one call)
const labeller = new ComponentLabeller();
let openBuf = new Uint8Array(0);
let labelBuf = new Int32Array(0);

export function bubbleMask(pl: QcPlanes, g: BlockGrid, mpp: number, p: QcParams): Uint8Array {
  const { width: w, height: h, smooth, od, channelsInto } = pl;
  const [nx, ny, nz] = pl.planeNormal;
  const n = w * h;
  if (openBuf.length < n) {
    openBuf = new Uint8Array(n);
    labelBuf = new Int32Array(n);
  }
  const open = openBuf.subarray(0, n);
  // pen ink is a wall as well: a stroke across a bubble would otherwise make its interior textured
  // (float32 rounding of both shares: they were planes once, and the cuts were tuned on those)
  const c = new Float64Array(3);
  // the cuts read once: the loop calls channelsInto, after which p's fields would be read again every pixel
  const { bubbleRimOd, penMinOd } = p;
  for (let q = 0; q < n; q++) {
    const rim = smooth[q] >= bubbleRimOd;
    const ink = od[q] >= penMinOd;
    let wall = false;
    if (rim || ink) {
      channelsInto(q, c);
      wall = (rim && Math.fround(neutralityOf(c[0], c[1], c[2])) >= p.bubbleNeutral) || (ink && Math.fround(offPlaneShareOf(c[0], c[1], c[2], nx, ny, nz)) >= p.penOffPlane);
    }
    open[q] = wall ? 0 : 1;
  }
  const labels = labelBuf.subarray(0, n);
  // 4-connected: a diagonal step between two rim pixels does not let the inside out
  const cs = labeller.labelWithAreas(open, w, h, labels, 4);
  const count = cs.count;
  const interior = new Uint8Array(count + 1);
  const minPx = p.bubbleMinUm2 / (mpp * mpp);
  // flatness of each region large enough: the s.d. of its smoothed OD (tissue has texture; the
  // film over a bubble has none). Judged first: the open tissue around nuclei is one large textured
  // region, and its outline tests (a pass over the tile, a labelling of it) are then never needed
  const flat = new Uint8Array(count + 1);
  const sum = new Float64Array(count + 1);
  const sum2 = new Float64Array(count + 1);
  for (let l = 1; l <= count; l++) flat[l] = cs.area[l] >= minPx ? 1 : 0;
  for (let q = 0; q < n; q++) {
    const l = labels[q];
    if (!flat[l]) continue;
    sum[l] += smooth[q];
    sum2[l] += smooth[q] * smooth[q];
  }
  let anyFlat = false;
  for (let l = 1; l <= count; l++) {
    if (!flat[l]) continue;
    const m = sum[l] / cs.area[l];
    flat[l] = Math.sqrt(Math.max(0, sum2[l] / cs.area[l] - m * m)) > p.bubbleFlatSd ? 0 : 1;
    anyFlat ||= flat[l] === 1;
  }
  if (!anyFlat) return new Uint8Array(g.cols * g.rows);
  // a region may touch the tile's edge (a bubble the border cuts) if the rim bounds enough of it
  // against the edge: a disc cut by one edge has more arc than chord, one cut at a corner at least
  // π/4 as much arc as edge, while the open field around the bubbles meets the tile's edge all round
  const rimContact = new Float64Array(count + 1);
  const edgeContact = new Float64Array(count + 1);
  for (let y = 0, q = 0; y < h; y++) {
    for (let x = 0; x < w; x++, q++) {
      const l = labels[q];
      if (!flat[l]) continue;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) edgeContact[l]++;
      if ((x > 0 && !open[q - 1]) || (x < w - 1 && !open[q + 1]) || (y > 0 && !open[q - w]) || (y < h - 1 && !open[q + w])) rimContact[l]++;
    }
  }
  for (let l = 1; l <= count; l++) {
    if (!flat[l]) continue;
    // a region the tile's edge cuts: only the walls of its outline bound it
    const rc = edgeContact[l] > 0 && rimContact[l] >= p.bubbleRimToEdge * edgeContact[l] ? outlineContact(labels, l, w, h) : rimContact[l];
    if (rc >= p.bubbleRimToEdge * edgeContact[l]) interior[l] = 1;
  }
  const share = new Float32Array(g.cols * g.rows);
  for (let q = 0; q < n; q++) {
    if (!interior[labels[q]]) continue;
    const x = q % w, y = (q - x) / w;
    share[Math.floor(y / g.blockPx) * g.cols + Math.floor(x / g.blockPx)]++;
  }
  const out = new Uint8Array(g.cols * g.rows);
  const full = g.blockPx * g.blockPx;
  for (let b = 0; b < out.length; b++) if (share[b] >= p.bubbleBlockFraction * full) out[b] = 1;
  return out;
}

/**
 * Pixels of region l next to a wall of its outline: walls in holes of the region (what the region
 * surrounds, out of reach of the tile's edge without crossing it) left out. On a pale whole-field
 * section whose nuclei read dark and neutral, or off the stain plane, each nucleus is a wall
 * inside the open field; counted as rim, they bounded the whole field as one bubble.
 */
function outlineContact(labels: Int32Array, l: number, w: number, h: number): number {
  const n = w * h;
  const rest = new Uint8Array(n);
  for (let q = 0; q < n; q++) rest[q] = labels[q] === l ? 0 : 1;
  const rl = new Int32Array(n);
  // 8-connected, against the region's 4-connectivity: a hole is what the region walls in
  const count = new ComponentLabeller().label(rest, w, h, rl, 8);
  const outer = componentsOnEdge(rl, w, h, count);
  let contact = 0;
  for (let y = 0, q = 0; y < h; y++) {
    for (let x = 0; x < w; x++, q++) {
      if (labels[q] !== l) continue;
      if ((x > 0 && wallOf(labels, rl, outer, q - 1)) || (x < w - 1 && wallOf(labels, rl, outer, q + 1)) || (y > 0 && wallOf(labels, rl, outer, q - w)) || (y < h - 1 && wallOf(labels, rl, outer, q + w))) contact++;
    }
  }
  return contact;
}

/** a wall pixel (no open region) of a part of the plane outside the region that reaches the tile's edge */
function wallOf(labels: Int32Array, rl: Int32Array, outer: Uint8Array, q: number): boolean {
  return labels[q] === 0 && outer[rl[q]] === 1;
}
