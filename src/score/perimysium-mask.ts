import { AnalysisError } from '../errors/index.js';
import { LocationParams } from '../domain/params.js';
import { DistanceTransform } from '../image/distance-transform.js';
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
  opts: { septumUm?: number; tissue?: Uint8Array; pocketMaxUm2?: number } = {},
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
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const closed = d2[i] > r2;
    out[i] = !closed && (!tissue || tissue[i] !== 0) ? 1 : 0;
  }
  const pocketMax = (opts.pocketMaxUm2 ?? 0) / (mpp * mpp);
  if (pocketMax > 0) dropPockets(out, width, height, pocketMax);
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
