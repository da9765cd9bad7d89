import { AnalysisError } from '../errors/index.js';
import { LocationParams } from '../domain/params.js';
import { DistanceTransform } from '../image/distance-transform.js';
import { fillSmallHoles } from '../image/fill-small-holes.js';
import { ComponentLabeller } from '../image/label.js';

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
  const edt = new DistanceTransform();
  const d2 = new Float32Array(n);
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
  edt.squared(seed, width, height, d2);
  const dilated = new Uint8Array(n);
  for (let i = 0; i < n; i++) dilated[i] = d2[i] <= r2 ? 1 : 0;
  // erosion of the dilation: more than r from every pixel outside it
  edt.squared(dilated, width, height, d2, { invert: true });
  const inside = opts.fascicleOf && (opts.fascicleCloseUm ?? 0) > 0 ? fascicleInteriors(fibre, opts.fascicleOf, width, height, (opts.fascicleCloseUm as number) / mpp, edt) : null;
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
 * Perimysium lies between fascicles (issue 18 point 2), so what one fascicle encloses or nearly
 * encloses is endomysium however wide: each fascicle's fibres alone are closed with a disc of
 * radius rPx (a notch between its edge fibres narrower than 2·rPx, where an endomysial cell sits
 * beside the septum, is filled; the septum, bounded by another fascicle, is not) and every hole of
 * that closing is filled (a pocket round a cluster or a necrotic fibre). Pixels beyond the plane's
 * edge count as inside, as in the closing above. Each fascicle is worked on its own bounding box.
 */
function fascicleInteriors(fibre: Uint8Array | Int32Array, fascicleOf: Int32Array, width: number, height: number, rPx: number, edt: DistanceTransform): Uint8Array {
  const n = width * height;
  const fasc = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const l = fibre[i];
    if (l > 0 && l < fascicleOf.length) {
      fasc[i] = fascicleOf[l];
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
    for (let y = 0; y < bh; y++) for (let x = 0, j = y * bw, i = (by0 + y) * width + bx0; x < bw; x++, i++, j++) if (sub[j]) out[i] = 1;
  }
  return out;
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
