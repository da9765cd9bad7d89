/**
 * Training patches for the nucleus model: random crops of the training planes under one of the
 * 8 flips/transposes (the data's symmetry group), most holding a nucleus, and a share centred
 * on hard negatives — stroma pixels the current network calls nucleus (mineHardNegatives).
 */
import type { Rng } from '../synthetic/rng.js';

export interface TrainingPlane {
  /** hematoxylin OD, size × size at the model's mpp */
  hematoxylin: Float32Array;
  /** 1 = nucleus interior */
  target: Uint8Array;
  size: number;
}

/** A pixel of plane `plane` where the network fired on stroma. */
export interface HardNegative {
  plane: number;
  x: number;
  y: number;
}

export interface PatchSampler {
  patch: number;
  batch: number;
  inputScale: number;
  /** share of patches centred (± a quarter patch) on a hard negative, when any are known */
  hardShare: number;
  /** share of the other patches allowed to hold no nucleus */
  emptyShare: number;
}

/** Fills xs/ys (batch × patch², row-major) with one batch. */
export function fillBatch(planes: readonly TrainingPlane[], hard: readonly HardNegative[], s: PatchSampler, rng: Rng, xs: Float32Array, ys: Float32Array): void {
  const P = s.patch;
  for (let b = 0; b < s.batch; b++) {
    for (;;) {
      let k: number;
      let x0: number;
      let y0: number;
      const fromHard = hard.length > 0 && rng.next() < s.hardShare;
      if (fromHard) {
        const h = hard[rng.int(hard.length)];
        k = h.plane;
        const size = planes[k].size;
        const j = P >> 2;
        x0 = clamp(h.x - (P >> 1) + rng.int(2 * j + 1) - j, 0, size - P);
        y0 = clamp(h.y - (P >> 1) + rng.int(2 * j + 1) - j, 0, size - P);
      } else {
        k = rng.int(planes.length);
        x0 = rng.int(planes[k].size - P + 1);
        y0 = rng.int(planes[k].size - P + 1);
      }
      const { hematoxylin: hem, target, size } = planes[k];
      const flip = rng.int(8);
      const keepEmpty = fromHard || rng.next() < s.emptyShare;
      let any = 0;
      const off = b * P * P;
      for (let y = 0; y < P; y++) {
        for (let x = 0; x < P; x++) {
          let u = flip & 1 ? P - 1 - x : x;
          let v = flip & 2 ? P - 1 - y : y;
          if (flip & 4) [u, v] = [v, u];
          const q = (y0 + v) * size + x0 + u;
          xs[off + y * P + x] = s.inputScale * hem[q];
          ys[off + y * P + x] = target[q];
          any |= target[q];
        }
      }
      if (any || keepEmpty) break;
    }
  }
}

/**
 * Pixels where `prob` ≥ threshold but no nucleus lies within `radius` px (so the outline of a
 * real nucleus, and the cut between touching ones, are not called negatives), at most `limit`
 * of them, evenly thinned.
 */
export function mineHardNegatives(plane: number, prob: Float32Array, target: Uint8Array, size: number, threshold: number, radius: number, limit: number): HardNegative[] {
  const near = dilate(target, size, radius);
  const out: HardNegative[] = [];
  for (let q = 0; q < size * size; q++) if (prob[q] >= threshold && !near[q]) out.push({ plane, x: q % size, y: (q / size) | 0 });
  if (out.length <= limit) return out;
  const step = out.length / limit;
  return Array.from({ length: limit }, (_, i) => out[Math.floor(i * step)]);
}

/** Square dilation by `r` px, separable (a row pass, then a column pass). */
function dilate(m: Uint8Array, n: number, r: number): Uint8Array {
  const tmp = new Uint8Array(n * n);
  const out = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let v = 0;
      for (let d = Math.max(0, x - r); d <= Math.min(n - 1, x + r) && !v; d++) v = m[y * n + d];
      tmp[y * n + x] = v;
    }
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let v = 0;
      for (let d = Math.max(0, y - r); d <= Math.min(n - 1, y + r) && !v; d++) v = tmp[d * n + x];
      out[y * n + x] = v;
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
