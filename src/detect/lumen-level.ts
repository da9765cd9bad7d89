import { AnalysisError } from '../errors/index.js';
import type { VesselParams } from '../domain/params.js';
import { ComponentLabeller, componentStats } from '../image/label.js';
import { isLumenShaped } from './vessels.js';

export type LumenLevelOptions = Pick<VesselParams, 'minLumenUm2' | 'maxLumenUm2' | 'minFill' | 'holeBandOd' | 'holeContrastOd' | 'holeRingUm'>;

/**
 * The glass level of a tile with no glass in view, from its vessel lumens: a lumen is a hole in
 * the section, so it shows the glass, whatever the white point says. Without glass in the overview
 * I0 stays the file's white point (issue 10: never the tissue's own pixels), and on a photograph
 * whose background is ~225 of 255 glass then reads ~0.16 summed OD, above the section rule, so
 * lumens read as tissue and no vessel is found (issue 18: glass-free sections 0 perivascular).
 *
 * Why holes rather than a darker I0: the level is read only from what is glass by shape — the
 * brightest pixels, gathered into compact components of lumen size that do not touch the tile's
 * edge, are enclosed (the ring round them holds almost none of them) and clearly darker round
 * them (holeContrastOd: a vessel wall or tissue, never a pale fibre beside a paler one). A pale
 * fibre's interior is not enclosed that way by darker tissue of its own kind, and a tile without a
 * lumen gives no level (null): then the section fills the tile, all tissue, as before.
 *
 * Pure: the summed OD plane (against the white point, lightly smoothed) in, the summed OD of the
 * enclosed glass out, or null. Several holes: the lowest hole median, since a pale atrophic fibre
 * that passes as a hole can only read darker than the glass, never brighter.
 */
export function enclosedGlassLevel(od: Float32Array, width: number, height: number, mpp: number, o: LumenLevelOptions): number | null {
  const n = width * height;
  if (od.length !== n) throw new AnalysisError(`lumen level: the OD plane must hold ${width}×${height} = ${n} pixels`);
  const px2 = mpp * mpp;
  const minPx = Math.max(1, Math.ceil(o.minLumenUm2 / px2));
  // the brightest level any lumen-sized set of pixels reaches (histogram, 0.002 OD bins)
  const BIN = 0.002;
  const hist = new Uint32Array(1024);
  for (let i = 0; i < n; i++) hist[Math.min(1023, Math.max(0, Math.floor(od[i] / BIN)))]++;
  let seen = 0;
  let b = 0;
  for (; b < 1023 && (seen += hist[b]) < minPx; b++);
  const top = (b + 1) * BIN + o.holeBandOd;
  const cand = new Uint8Array(n);
  for (let i = 0; i < n; i++) cand[i] = od[i] < top ? 1 : 0;
  const labels = new Int32Array(n);
  const count = new ComponentLabeller().label(cand, width, height, labels, 4);
  const st = componentStats(labels, width, height, count);
  const ringPx = Math.max(1, o.holeRingUm / mpp);
  let best: number | null = null;
  for (let l = 1; l <= count; l++) {
    if (!isLumenShaped(st, l, width, height, px2, o)) continue;
    // the annulus just outside a disc of the hole's area, about its centroid
    const cx = st.cx[l] + 0.5;
    const cy = st.cy[l] + 0.5;
    const r0 = Math.sqrt(st.area[l] / Math.PI) + 1;
    const r1 = r0 + ringPx;
    let ringSum = 0;
    let ringN = 0;
    let ringOpen = 0;
    const inside: number[] = [];
    const xa = Math.max(0, Math.floor(cx - r1));
    const xb = Math.min(width - 1, Math.ceil(cx + r1));
    const ya = Math.max(0, Math.floor(cy - r1));
    const yb = Math.min(height - 1, Math.ceil(cy + r1));
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const i = y * width + x;
        if (labels[i] === l) {
          inside.push(od[i]);
          continue;
        }
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        if (d < r0 || d > r1) continue;
        ringN++;
        ringSum += od[i];
        if (cand[i]) ringOpen++;
      }
    }
    if (ringN === 0 || ringOpen > 0.1 * ringN) continue;
    inside.sort((a, c) => a - c);
    const level = inside[inside.length >> 1];
    if (ringSum / ringN - level < o.holeContrastOd) continue;
    if (best === null || level < best) best = level;
  }
  return best;
}
