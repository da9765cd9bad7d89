/**
 * Fibrous stroma and granules in both stains (issue 15): real connective tissue is not the smooth
 * 0.05–0.12 OD counterstain of the default scene but wavy collagen bundles that take up some
 * hematoxylin and unspecific DAB, with small dark granules (debris, mast-cell granules) between
 * them — the texture a detector trained on smooth stroma fires on. Absent, a scene is as before.
 *
 * Per pixel a function of the global position only (like planted.ts), so any cut of the image
 * gives the same numbers; its parameters come from their own random stream, so turning it on
 * changes nothing else in the scene.
 */
import { z } from 'zod';
import { Rng, valueNoise } from './rng.js';

export const StromaTextureOptions = z
  .object({
    /** hematoxylin OD a fibre adds at its crest */
    h: z.number().min(0).max(0.6).default(0.15),
    /** DAB OD a fibre adds at its crest (unspecific binding to collagen) */
    dab: z.number().min(0).max(0.6).default(0.05),
    /** typical distance between neighbouring fibres, µm */
    spacingUm: z.number().min(1).max(30).default(4),
    /** how far a fibre runs straight before it bends or fades, µm */
    lengthUm: z.number().min(2).max(200).default(30),
    /** hematoxylin OD of granules: dots under 1.5 µm across, far below any nucleus area */
    granules: z.number().min(0).max(1).default(0.1),
  })
  .strict();
export type StromaTextureInput = z.input<typeof StromaTextureOptions>;
export type StromaTextureConfig = z.output<typeof StromaTextureOptions>;

/** fibres run in a few directions, each dominating its own region of this size */
const BUNDLE_UM = 60;
const GRANULE_UM = 1.2;
const DIRECTIONS = 3;

export interface PlantedStromaTexture {
  h: number;
  dab: number;
  granules: number;
  spacingPx: number;
  lengthPx: number;
  bundlePx: number;
  granulePx: number;
  /** per direction: unit vector along the fibres and the seeds of its ridge and weight fields */
  dirs: { c: number; s: number; ridgeSeed: number; weightSeed: number }[];
  granuleSeed: number;
}

export function plantStromaTexture(cfg: StromaTextureConfig, seed: number, mpp: number): PlantedStromaTexture {
  const rng = new Rng((seed * 7919 + 83) | 0);
  const a0 = rng.uniform(0, Math.PI);
  const dirs = Array.from({ length: DIRECTIONS }, (_, k) => {
    const a = a0 + (k * Math.PI) / DIRECTIONS + rng.uniform(-0.3, 0.3);
    return { c: Math.cos(a), s: Math.sin(a), ridgeSeed: (seed * 7919 + 89 + 2 * k) | 0, weightSeed: (seed * 7919 + 90 + 2 * k) | 0 };
  });
  return {
    h: cfg.h,
    dab: cfg.dab,
    granules: cfg.granules,
    spacingPx: cfg.spacingUm / mpp,
    lengthPx: cfg.lengthUm / mpp,
    bundlePx: BUNDLE_UM / mpp,
    granulePx: GRANULE_UM / mpp,
    dirs,
    granuleSeed: (seed * 7919 + 97) | 0,
  };
}

/**
 * Adds the texture to the stroma planes of [x0, x0+w) × [y0, y0+h) (row-major, width w). Called
 * before cells are drawn: nuclei replace the hematoxylin under them, glass is cleared after.
 */
export function addStromaTexture(t: PlantedStromaTexture, x0: number, y0: number, w: number, h: number, hOut: Float32Array, dab: Float32Array): void {
  const weights = new Float64Array(t.dirs.length);
  for (let y = 0; y < h; y++) {
    const gy = y0 + y;
    for (let x = 0, p = y * w; x < w; x++, p++) {
      const gx = x0 + x;
      let norm = 0;
      let fibre = 0;
      for (let k = 0; k < t.dirs.length; k++) {
        const d = t.dirs[k];
        // squared weights: one direction dominates each bundle, as collagen runs in bundles
        const wk = valueNoise(d.weightSeed, gx / t.bundlePx, gy / t.bundlePx) ** 2;
        weights[k] = wk;
        norm += wk;
      }
      for (let k = 0; k < t.dirs.length; k++) {
        const d = t.dirs[k];
        const along = gx * d.c + gy * d.s;
        const across = gy * d.c - gx * d.s;
        // the crease of smooth noise where it crosses ½: a thin line along the stretched axis
        const n = valueNoise(d.ridgeSeed, along / t.lengthPx, across / t.spacingPx);
        const ridge = 1 - Math.abs(2 * n - 1);
        fibre += (weights[k] / norm) * ridge * ridge * ridge * ridge;
      }
      const g = valueNoise(t.granuleSeed, gx / t.granulePx, gy / t.granulePx);
      const dot = g > 0.8 ? ((g - 0.8) / 0.2) ** 2 : 0;
      hOut[p] += t.h * fibre + t.granules * dot;
      dab[p] += t.dab * fibre;
    }
  }
}
