import { AnalysisError } from '../errors/index.js';
import { VesselParams } from '../domain/params.js';
import { ComponentLabeller, componentStats, type ComponentStats } from '../image/label.js';
import { medianInPlace } from '../image/kth-smallest.js';
import { gaussianBlurWindow } from '../image/gaussian.js';

/** A vessel: centre (µm) and outer wall radius (µm). */
export interface Vessel {
  x: number;
  y: number;
  radiusUm: number;
}

/** The tuned numbers are AnalysisParams.vessels (src/domain/params.ts: defaults and why). */
export type VesselOptions = Pick<VesselParams, 'minLumenUm2' | 'maxLumenUm2' | 'minFill' | 'wallOd' | 'maxWallUm' | 'wallContrastOd' | 'surroundUm' | 'minWallOd'> & {
  /** level-0 µm of the planes' top-left pixel corner */
  origin: { x: number; y: number };
  /**
   * wallOd above the lumen's own median hematoxylin, not above 0: with no glass in view I0 is the
   * white point and the glass a lumen shows carries hematoxylin OD of its own (a grey offset
   * deconvolves partly into it), which would keep every ring round the wall "dark" to the search
   * limit (tuning seed 67: 8 endomysial cells inside such inflated vessels)
   */
  relativeWall?: boolean;
  /**
   * σ, px: `hematoxylin` is the raw plane and the wall is read on it blurred so, each lumen's
   * window alone (gaussianBlurWindow: the bits of the whole plane's blur, where only a few
   * windows of the tile are ever read); absent: `hematoxylin` is read as given
   */
  wallSmoothPx?: number;
};

export const VESSEL_DEFAULTS: VesselOptions = { ...VesselParams.parse({}), origin: { x: 0, y: 0 } };

const ANGLES = 48;

// this thread's labeller and label plane, kept between tiles (a muscle tile's full-resolution plane)
const labeller = new ComponentLabeller();
let labelBuf = new Int32Array(0);

/**
 * Vessels of a muscle section: empty lumens (holes of glass enclosed by tissue, round enough)
 * ringed by a hematoxylin-dense wall (endothelium, smooth muscle). The outer radius is where the
 * median hematoxylin round a ring first drops below `wallOd`; a median, so a perivascular cell
 * lying on the wall does not widen it. Pure: masks in, vessels (µm) out. A lumen cut by the plane's
 * edge is left out, so tiled runs need an overlap beyond the largest vessel. `lumens`, when given,
 * gets 1 on every pixel of an accepted vessel's lumen (the caller takes them out of the tissue).
 */
export function detectVessels(glass: Uint8Array, hematoxylin: Float32Array, width: number, height: number, mpp: number, options: Partial<VesselOptions> = {}, lumens?: Uint8Array): Vessel[] {
  const o = { ...VESSEL_DEFAULTS, ...options };
  const n = width * height;
  if (glass.length !== n || hematoxylin.length !== n) throw new AnalysisError(`vessel detection: masks must hold ${width}×${height} = ${n} pixels`);
  if (!(mpp > 0 && Number.isFinite(mpp))) throw new AnalysisError(`vessel detection: pixel size must be a positive number of µm/px, got ${mpp}`);
  if (labelBuf.length < n) labelBuf = new Int32Array(n);
  const labels = labelBuf.subarray(0, n);
  const count = labeller.label(glass, width, height, labels, 4);
  const st = componentStats(labels, width, height, count);
  const px2 = mpp * mpp;
  const out: Vessel[] = [];
  const accepted = new Uint8Array(count + 1);
  const ring = new Float32Array(ANGLES);
  const whole = { x0: 0, y0: 0, width, height, channels: 1 as const, data: hematoxylin };
  for (let l = 1; l <= count; l++) {
    if (!isLumenShaped(st, l, width, height, px2, o)) continue;
    const cx = st.cx[l] + 0.5;
    const cy = st.cy[l] + 0.5;
    const lumenPx = Math.sqrt(st.area[l] / Math.PI);
    const maxPx = lumenPx + o.maxWallUm / mpp;
    const stepPx = 0.5;
    const reach = maxPx + (o.wallContrastOd > 0 ? o.surroundUm / mpp : 0) + 1;
    // every pixel the rings and the lumen's own median read
    const wall =
      o.wallSmoothPx === undefined
        ? whole
        : gaussianBlurWindow({ width, height, data: hematoxylin }, o.wallSmoothPx, Math.min(st.x0[l], cx - reach), Math.min(st.y0[l], cy - reach), Math.max(st.x1[l] + 1, cx + reach + 1), Math.max(st.y1[l] + 1, cy + reach + 1));
    const at = (x: number, y: number): number => wall.data[(y - wall.y0) * wall.width + x - wall.x0];
    const base = o.relativeWall ? lumenMedian(labels, l, at, width, st.x0[l], st.y0[l], st.x1[l], st.y1[l]) : 0;
    let wallOd = base + o.wallOd;
    // a faint wall in pale connective tissue: wallContrastOd above what lies beyond it is enough, down to minWallOd
    if (o.wallContrastOd > 0) {
      const around = ringsMedian(at, width, height, cx, cy, maxPx, maxPx + o.surroundUm / mpp, stepPx);
      if (around !== null) wallOd = Math.max(base + o.minWallOd, Math.min(wallOd, around + o.wallContrastOd));
    }
    // walk outwards half a pixel at a time from the lumen's edge
    let outer = -1;
    let sawWall = false;
    for (let r = lumenPx + stepPx; r <= maxPx; r += stepPx) {
      let k = 0;
      for (let a = 0; a < ANGLES; a++) {
        const t = (2 * Math.PI * a) / ANGLES;
        const x = Math.floor(cx + r * Math.cos(t));
        const y = Math.floor(cy + r * Math.sin(t));
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        ring[k++] = at(x, y);
      }
      if (k < ANGLES / 2) break;
      const med = medianInPlace(ring.subarray(0, k));
      if (med >= wallOd) sawWall = true;
      else if (sawWall) {
        outer = r;
        break;
      }
    }
    if (!sawWall) continue;
    // a cuff of cells round the wall keeps the ring dark to the search limit: take the limit
    if (outer < 0) outer = maxPx;
    out.push({ x: o.origin.x + cx * mpp, y: o.origin.y + cy * mpp, radiusUm: outer * mpp });
    accepted[l] = 1;
  }
  if (lumens) for (let i = 0; i < n; i++) if (accepted[labels[i]]) lumens[i] = 1;
  return out;
}

/**
 * Component l could be a vessel lumen by shape: lumen-sized, compact (fills minFill of its box)
 * and not cut by the plane's edge.
 */
export function isLumenShaped(st: ComponentStats, l: number, width: number, height: number, px2: number, o: Pick<VesselParams, 'minLumenUm2' | 'maxLumenUm2' | 'minFill'>): boolean {
  const area = st.area[l] * px2;
  if (area < o.minLumenUm2 || area > o.maxLumenUm2) return false;
  if (st.x0[l] === 0 || st.y0[l] === 0 || st.x1[l] === width - 1 || st.y1[l] === height - 1) return false;
  const box = (st.x1[l] - st.x0[l] + 1) * (st.y1[l] - st.y0[l] + 1);
  return st.area[l] / box >= o.minFill;
}

/** Median hematoxylin over the rings from r0 to r1 px round (cx, cy), inside the plane; null when too little lies inside. */
function ringsMedian(at: (x: number, y: number) => number, width: number, height: number, cx: number, cy: number, r0: number, r1: number, step: number): number | null {
  const v: number[] = [];
  let tried = 0;
  for (let r = r0; r <= r1; r += step) {
    for (let a = 0; a < ANGLES; a++) {
      const t = (2 * Math.PI * a) / ANGLES;
      const x = Math.floor(cx + r * Math.cos(t));
      const y = Math.floor(cy + r * Math.sin(t));
      tried++;
      if (x >= 0 && y >= 0 && x < width && y < height) v.push(at(x, y));
    }
  }
  return v.length * 2 >= tried ? medianInPlace(Float32Array.from(v)) : null;
}

function lumenMedian(labels: Int32Array, l: number, at: (x: number, y: number) => number, width: number, x0: number, y0: number, x1: number, y1: number): number {
  const v: number[] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0, i = y * width + x0; x <= x1; x++, i++) if (labels[i] === l) v.push(at(x, y));
  return medianInPlace(Float32Array.from(v));
}
