/**
 * A square window of a stored analysis' slide as the nucleus model sees it: read at the level the
 * analysis used, deconvolved with the stain vectors and I0 it stored, resampled to the model's
 * pixel size (bilinear, as detectNucleiWithModel does). The flat-field correction is not stored
 * with the analysis and is left out: over a window of a few dozen µm it is nearly constant.
 */
import { resampleBilinear } from '../detect/model-resample.js';
import type { Slide } from '../slide/types.js';
import { deconvolve } from '../stain/deconvolve.js';
import type { I0 } from '../stain/od.js';
import { stainMatrix, type Vec3 } from '../stain/vectors.js';

export interface WindowSource {
  slide: Slide;
  level: number;
  /** µm/px of that level (the analysis' mpp) */
  levelMpp: number;
  stain: { hematoxylin: Vec3; dab: Vec3; i0?: I0 };
}

/** The window of `size`² px at `modelMpp` centred on (cxUm, cyUm) level-0 µm, and its origin in µm. */
export async function readWindowPlane(src: WindowSource, cxUm: number, cyUm: number, size: number, modelMpp: number): Promise<{ hem: Float32Array<ArrayBuffer>; x0Um: number; y0Um: number }> {
  const lv = src.slide.levels[src.level];
  const w = Math.max(1, Math.round((size * modelMpp) / src.levelMpp));
  const x0 = clamp(Math.round((cxUm - (size * modelMpp) / 2) / src.levelMpp), 0, Math.max(0, lv.width - w));
  const y0 = clamp(Math.round((cyUm - (size * modelMpp) / 2) / src.levelMpp), 0, Math.max(0, lv.height - w));
  const ww = Math.min(w, lv.width);
  const hh = Math.min(w, lv.height);
  const rgb = await src.slide.readRegion(src.level, x0, y0, ww, hh);
  const hem = deconvolve(rgb, stainMatrix(src.stain.hematoxylin, src.stain.dab), src.stain.i0 ?? 255).hematoxylin.data;
  const plane = ww === size && hh === size ? new Float32Array(hem) : resampleBilinear(hem, ww, hh, size, size);
  return { hem: plane, x0Um: x0 * src.levelMpp, y0Um: y0 * src.levelMpp };
}

/** The plane's value at (x, y), clamped to its edge. */
export function valueAt(hem: Float32Array, size: number, x: number, y: number): number {
  return hem[clamp(y, 0, size - 1) * size + clamp(x, 0, size - 1)];
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
