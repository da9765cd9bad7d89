import { AnalysisError } from '../errors/index.js';
import { LocationParams } from '../domain/params.js';
import { DiscMorphology } from '../image/disc-morphology.js';
import { DistanceTransform } from '../image/distance-transform.js';
import { binMask } from '../image/bin.js';
import { fillSmallHoles } from '../image/fill-small-holes.js';
import { ComponentLabeller } from '../image/label.js';
import { convexHull, type Point } from '../image/min-feret.js';

/**
 * Perimysium from a fibre mask, for the mask locator (cell-location.ts). Closing the fibre mask
 * with a disc of radius septumUm/2 fills every gap narrower than septumUm — endomysium between
 * fibres (1.5–4 µm), triple-junction gaps, capillaries — and leaves the wider perimysial septa
 * open. Perimysium = pixels outside the closed fibre zone (and inside the tissue, when a tissue
 * mask is given).
 *
 * Default cut: AnalysisParams.location.septumUm (params.ts: why 12 µm).
 *
 * Pixels beyond the image edge count as fibre zone during the erosion, so the closing does not
 * eat into fascicles cut by the edge.
 */
export const SEPTUM_MIN_UM = LocationParams.parse({}).septumUm;

// this thread's transforms and distance plane, kept between tiles (each is written whole before it is read)
const threadEdt = new DistanceTransform();
const threadDisc = new DiscMorphology();
let d2Buf = new Float32Array(0);

export function perimysiumFromFibres(
  fibre: Uint8Array | Int32Array,
  width: number,
  height: number,
  mpp: number,
  opts: {
    septumUm?: number;
    tissue?: Uint8Array;
    pocketMaxUm2?: number;
    /** per fibre label (index 0 unused): its fascicle id (1..); with fascicleCloseUm, each fascicle is closed on its own (fascicleInteriors) */
    fascicleOf?: Int32Array;
    fascicleCloseUm?: number;
    /** with fascicleOf: notches of a fascicle's convex hull up to this many of its median fibre areas are endomysium (fascicleInteriors); 0 = off */
    fascicleNotchFibres?: number;
    /** fascicleInteriors on the labels sampled every this many px (fascicleInteriorsOnGrid); 1 = on the plane itself */
    fascicleGrid?: number;
  } = {},
): Uint8Array {
  const n = width * height;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) throw new AnalysisError(`perimysium mask: bad size ${width}×${height}`);
  if (fibre.length !== n) throw new AnalysisError(`perimysium mask: fibre mask has ${fibre.length} pixels, ${width}×${height} needs ${n}`);
  if (opts.tissue && opts.tissue.length !== n) throw new AnalysisError(`perimysium mask: tissue mask has ${opts.tissue.length} pixels, ${width}×${height} needs ${n}`);
  if (!(mpp > 0 && Number.isFinite(mpp))) throw new AnalysisError(`perimysium mask: pixel size must be a positive number of µm/px, got ${mpp}`);
  const septumUm = opts.septumUm ?? SEPTUM_MIN_UM;
  if (!(septumUm > 0)) throw new AnalysisError(`perimysium mask: septum width must be > 0 µm, got ${septumUm}`);
  const r = septumUm / 2 / mpp;
  const r2 = r * r;
  const edt = threadEdt;
  if (d2Buf.length < n) d2Buf = new Float32Array(n);
  const d2 = d2Buf.subarray(0, n);
  // Glass closes like a fibre: where a section was cut through a fascicle, the endomysium of its
  // outermost fibres (and strands of it left between cut-away fibres) borders glass, and only a
  // gap wider than a septum there is perimysium.
  const tissue = opts.tissue;
  let seed: Uint8Array | Int32Array = fibre;
  if (tissue) {
    seed = new Uint8Array(n);
    for (let i = 0; i < n; i++) seed[i] = fibre[i] !== 0 || tissue[i] === 0 ? 1 : 0;
  }
  // dilation: within r of a fibre pixel
  const dilated = new Uint8Array(n);
  threadDisc.dilate(seed, width, height, r2, dilated);
  // erosion of the dilation: more than r from every pixel outside it
  edt.squared(dilated, width, height, d2, { invert: true });
  const inside = opts.fascicleOf && (opts.fascicleCloseUm ?? 0) > 0 ? fascicleInteriorsOnGrid(fibre, opts.fascicleOf, width, height, mpp, opts.fascicleGrid ?? 1, opts.fascicleCloseUm as number, edt, opts.fascicleNotchFibres ?? 0, tissue) : null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const closed = d2[i] > r2 || (inside !== null && inside[i] !== 0);
    out[i] = !closed && (!tissue || tissue[i] !== 0) ? 1 : 0;
  }
  const pocketMax = (opts.pocketMaxUm2 ?? 0) / (mpp * mpp);
  if (pocketMax > 0) dropPockets(out, width, height, pocketMax);
  return out;
}

/**
 * fascicleInteriors on a coarser grid: the fibre labels sampled every `factor` px (wholeSquareLabels;
 * the tissue binned), the interiors found at mpp · factor and each
 * coarse pixel's answer written back over its square. The interiors only add endomysium to the
 * septum closing, which stays on the plane itself and still draws every septum's edges, while
 * each fascicle's two distance transforms over its box at 25 µm were most of the perimysium's
 * time (params.location.fascicleGridUm).
 */
function fascicleInteriorsOnGrid(fibre: Uint8Array | Int32Array, fascicleOf: Int32Array, width: number, height: number, mpp: number, factor: number, closeUm: number, edt: DistanceTransform, notchFibres: number, tissue?: Uint8Array): Uint8Array {
  if (!(Number.isInteger(factor) && factor >= 1)) throw new AnalysisError(`perimysium mask: the fascicle grid must be a whole number of px ≥ 1, got ${factor}`);
  if (factor === 1) return fascicleInteriors(fibre, fascicleOf, width, height, closeUm / mpp, edt, notchFibres, tissue);
  const cw = Math.ceil(width / factor);
  const ch = Math.ceil(height / factor);
  const labels = wholeSquareLabels(fibre, width, height, factor);
  const coarse = fascicleInteriors(labels, fascicleOf, cw, ch, closeUm / (mpp * factor), edt, notchFibres, tissue ? binMask(tissue, width, height, factor) : undefined);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = ((y / factor) | 0) * cw;
    for (let x = 0, i = y * width; x < width; x++, i++) out[i] = coarse[from + ((x / factor) | 0)];
  }
  return out;
}

/**
 * Per factor × factor square, the fibre label all its pixels hold, else 0: a coarse fascicle lies
 * inside the fine one, so its closing (within the fibres' convex hull) never reaches over a septum's
 * edge, as the closing of squares a fibre only touches would by up to factor − 1 px.
 */
function wholeSquareLabels(fibre: Uint8Array | Int32Array, width: number, height: number, factor: number): Int32Array {
  const cw = Math.ceil(width / factor);
  const ch = Math.ceil(height / factor);
  const out = new Int32Array(cw * ch);
  for (let cy = 0; cy < ch; cy++) {
    const y0 = cy * factor;
    const y1 = Math.min(height, y0 + factor);
    for (let cx = 0; cx < cw; cx++) {
      const x0 = cx * factor;
      const x1 = Math.min(width, x0 + factor);
      const l = fibre[y0 * width + x0];
      let all = l !== 0;
      for (let y = y0; all && y < y1; y++) for (let i = y * width + x0, e = y * width + x1; i < e; i++) if (fibre[i] !== l) { all = false; break; }
      out[cy * cw + cx] = all ? l : 0;
    }
  }
  return out;
}

/**
 * Perimysium lies between fascicles (issue 18 point 2), so what one fascicle encloses or nearly
 * encloses is endomysium however wide: each fascicle's fibres alone are closed with a disc of
 * radius rPx (a notch between its edge fibres narrower than 2·rPx, where an endomysial cell sits
 * beside the septum, is filled; the septum, bounded by another fascicle, is not) and every hole of
 * that closing is filled (a pocket round a cluster or a necrotic fibre). Pixels beyond the plane's
 * edge count as inside, as in the closing above. Each fascicle is worked on its own bounding box.
 *
 * A notch wider than the closing's disc — where an edge fibre is missing from the segmentation (a
 * necrotic fibre full of macrophages, an atrophic one too pale or too small to keep) — and the
 * slivers between the edge fibres' outer sides are filled from the fascicle's convex hull: a
 * fascicle is convex (a polygon bounded by its septa), so the hull of its fibres lies inside it and
 * a cell there, however it sits against the septum, is endomysial. Unless a piece of the hull
 * outside the closing exceeds `notchFibres` × the fascicle's median fibre area, or opens to the
 * outside in two places: a group that joins two fascicles (or a stray fibre) across a narrow septum
 * has that septum in its hull, a band of many fibres' area crossing it.
 */
function fascicleInteriors(fibre: Uint8Array | Int32Array, fascicleOf: Int32Array, width: number, height: number, rPx: number, edt: DistanceTransform, notchFibres: number, tissue?: Uint8Array): Uint8Array {
  const n = width * height;
  const fasc = new Int32Array(n);
  /** pixels per fibre label */
  const area = new Float64Array(fascicleOf.length);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const l = fibre[i];
    if (l > 0 && l < fascicleOf.length) {
      fasc[i] = fascicleOf[l];
      area[l]++;
      if (fasc[i] > count) count = fasc[i];
    }
  }
  const x0 = new Int32Array(count + 1).fill(width);
  const y0 = new Int32Array(count + 1).fill(height);
  const x1 = new Int32Array(count + 1).fill(-1);
  const y1 = new Int32Array(count + 1).fill(-1);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const f = fasc[i];
      if (f === 0) continue;
      if (x < x0[f]) x0[f] = x;
      if (x > x1[f]) x1[f] = x;
      if (y < y0[f]) y0[f] = y;
      if (y > y1[f]) y1[f] = y;
    }
  }
  const out = new Uint8Array(n);
  const medianArea = notchFibres > 0 ? medianFibreAreas(area, fascicleOf, count) : new Float64Array(count + 1);
  const pad = Math.ceil(rPx) + 2;
  const r2 = rPx * rPx;
  for (let f = 1; f <= count; f++) {
    if (x1[f] < 0) continue;
    const bx0 = Math.max(0, x0[f] - pad);
    const by0 = Math.max(0, y0[f] - pad);
    const bw = Math.min(width, x1[f] + pad + 1) - bx0;
    const bh = Math.min(height, y1[f] + pad + 1) - by0;
    const m = bw * bh;
    const sub = new Uint8Array(m);
    for (let y = 0; y < bh; y++) for (let x = 0, j = y * bw, i = (by0 + y) * width + bx0; x < bw; x++, i++, j++) sub[j] = fasc[i] === f ? 1 : 0;
    const d2 = new Float32Array(m);
    edt.squared(sub, bw, bh, d2);
    for (let j = 0; j < m; j++) sub[j] = d2[j] <= r2 ? 1 : 0;
    edt.squared(sub, bw, bh, d2, { invert: true });
    for (let j = 0; j < m; j++) sub[j] = d2[j] > r2 ? 1 : 0;
    fillSmallHoles(sub, bw, bh, Infinity);
    if (notchFibres > 0) fillHullNotches(sub, fasc, f, { bx0, by0, bw, bh, width }, notchFibres * medianArea[f], tissue);
    for (let y = 0; y < bh; y++) for (let x = 0, j = y * bw, i = (by0 + y) * width + bx0; x < bw; x++, i++, j++) if (sub[j]) out[i] = 1;
  }
  return out;
}

/** per fascicle id (index 0 unused): the median of its fibres' pixel areas (`area` per fibre label) */
function medianFibreAreas(area: Float64Array, fascicleOf: Int32Array, count: number): Float64Array {
  const byFascicle: number[][] = Array.from({ length: count + 1 }, () => []);
  for (let l = 1; l < fascicleOf.length; l++) if (area[l] > 0 && fascicleOf[l] > 0 && fascicleOf[l] <= count) byFascicle[fascicleOf[l]].push(area[l]);
  return Float64Array.from(byFascicle, (a) => (a.sort((p, q) => p - q).length ? a[a.length >> 1] : 0));
}

/**
 * Sets in `sub` (the fascicle's closed interior on its box) every tissue pixel of the fascicle's
 * convex hull, unless a 4-connected piece of the hull outside `sub` is larger than maxPx or crosses
 * the hull (crossesHull): then the fibres grouped as one fascicle are not one convex fascicle (two
 * joined across a narrow septum, whose band lies in the hull), and nothing is set.
 */
function fillHullNotches(
  sub: Uint8Array,
  fasc: Int32Array,
  f: number,
  box: { bx0: number; by0: number; bw: number; bh: number; width: number },
  maxPx: number,
  tissue?: Uint8Array,
): void {
  const { bx0, by0, bw, bh, width } = box;
  if (!(maxPx > 0)) return;
  // the hull of the fascicle's pixel squares: each row's outermost pixels give its corners
  const pts: Point[] = [];
  for (let y = 0; y < bh; y++) {
    const row = (by0 + y) * width + bx0;
    let x0 = -1;
    let x1 = -1;
    for (let x = 0; x < bw; x++) {
      if (fasc[row + x] !== f) continue;
      if (x0 < 0) x0 = x;
      x1 = x;
    }
    if (x0 < 0) continue;
    pts.push({ x: x0, y }, { x: x0, y: y + 1 }, { x: x1 + 1, y }, { x: x1 + 1, y: y + 1 });
  }
  const hull = convexHull(pts);
  if (hull.length < 3) return;
  const m = bw * bh;
  const notch = new Uint8Array(m);
  const inside = new Uint8Array(m);
  for (let y = 0; y < bh; y++) {
    // the hull's span on this row of pixel centres
    const cy = y + 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    for (let e = 0; e < hull.length; e++) {
      const a = hull[e];
      const b = hull[(e + 1) % hull.length];
      if ((a.y <= cy && b.y >= cy) || (b.y <= cy && a.y >= cy)) {
        const x = a.y === b.y ? Math.min(a.x, b.x) : a.x + ((cy - a.y) * (b.x - a.x)) / (b.y - a.y);
        const x2 = a.y === b.y ? Math.max(a.x, b.x) : x;
        if (x < lo) lo = x;
        if (x2 > hi) hi = x2;
      }
    }
    for (let x = Math.max(0, Math.ceil(lo - 0.5)); x < bw && x + 0.5 <= hi; x++) {
      const j = y * bw + x;
      if (tissue && tissue[(by0 + y) * width + bx0 + x] === 0) continue;
      inside[j] = 1;
      if (!sub[j]) notch[j] = 1;
    }
  }
  const comp = new Int32Array(m);
  const k = new ComponentLabeller().label(notch, bw, bh, comp, 4);
  const size = new Int32Array(k + 1);
  for (let j = 0; j < m; j++) size[comp[j]]++;
  for (let c = 1; c <= k; c++) if (size[c] > maxPx) return;
  if (crossesHull(notch, inside, comp, k, bw, bh)) return;
  for (let j = 0; j < m; j++) if (notch[j]) sub[j] = 1;
}

/** mouth runs shorter than this, px, are specks of a staircase edge, not a mouth */
const MIN_MOUTH_PX = 3;

/**
 * Whether a piece of the hull outside the closing opens to the outside (or to glass) in two
 * separate places: a notch or a sliver has one mouth, a septum that crosses the hull (a fibre or
 * two across a septum grouped with the fascicle) two.
 */
function crossesHull(notch: Uint8Array, inside: Uint8Array, comp: Int32Array, k: number, bw: number, bh: number): boolean {
  const m = bw * bh;
  const mouth = new Uint8Array(m);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const j = y * bw + x;
      if (!notch[j]) continue;
      if (x === 0 || y === 0 || x === bw - 1 || y === bh - 1 || !inside[j - 1] || !inside[j + 1] || !inside[j - bw] || !inside[j + bw]) mouth[j] = 1;
    }
  }
  const runs = new Int32Array(k + 1);
  const seen = new Uint8Array(m);
  const stack: number[] = [];
  for (let j0 = 0; j0 < m; j0++) {
    if (!mouth[j0] || seen[j0]) continue;
    let px = 0;
    seen[j0] = 1;
    stack.push(j0);
    while (stack.length) {
      const j = stack.pop() as number;
      px++;
      const x = j % bw;
      const y = (j - x) / bw;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= bw || yy >= bh) continue;
          const q = yy * bw + xx;
          if (mouth[q] && !seen[q] && comp[q] === comp[j0]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    if (px >= MIN_MOUTH_PX && ++runs[comp[j0]] >= 2) return true;
  }
  return false;
}

/** Clears the components of `mask` under `maxPx` pixels that do not touch the plane's edge (pockets inside a fascicle). */
function dropPockets(mask: Uint8Array, width: number, height: number, maxPx: number): void {
  const labels = new Int32Array(width * height);
  const count = new ComponentLabeller().label(mask, width, height, labels, 8);
  const size = new Int32Array(count + 1);
  const edge = new Uint8Array(count + 1);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const l = labels[i];
      if (l === 0) continue;
      size[l]++;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge[l] = 1;
    }
  }
  for (let i = 0; i < mask.length; i++) {
    const l = labels[i];
    if (l !== 0 && !edge[l] && size[l] < maxPx) mask[i] = 0;
  }
}
