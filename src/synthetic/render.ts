/**
 * Renders a scene to 8-bit RGB: Beer–Lambert absorption of the planted stains, optical blur,
 * sensor noise. Region-independent: a region is planted with a blur margin and cropped, and
 * noise is a hash of the global pixel position, so renderRegion of a sub-rectangle equals the
 * same crop of the whole image.
 */
import { rgbRaster, type RgbRaster } from '../image/raster.js';
import { plantRegion, plantedBuffers, type PlantedBuffers } from './planted.js';
import type { PlantedCounts } from './planted-counts.js';
import { blurRows, columnSum, gaussianKernel, quantise } from './optics.js';
import { renderRealistic } from './realism/render-realistic.js';
import type { PlantedRealism } from './realism/geometry.js';
import { GAUSS_LUT_10, hash32 } from './rng.js';
import type { Scene } from './scene.js';
import type { StainMatrix } from '../stain/vectors.js';

/** What rendering needs of any planted scene (cells or muscle): stains, light, optics, sensor. */
export interface RenderLook {
  stain: StainMatrix;
  i0: number;
  blurSigma: number;
  noiseSigma: number;
  seeds: { noise: number };
  /** illumination and artefacts (realism/); absent or null: a clean slide */
  realism?: PlantedRealism | null;
}

/** Fills planted h / dab for a rectangle of global pixels (which may extend past the image). */
export type PlantFn = (x0: number, y0: number, w: number, h: number, buf: PlantedBuffers) => PlantedBuffers;

const LN10 = Math.LN10;

/** Reusable working memory for repeated renders of equal-sized regions (streaming writers). */
export interface RenderScratch {
  planted: PlantedBuffers;
  /** intensity planes before blur, per channel */
  intensity: Float32Array[];
  /** after the horizontal blur pass, per channel */
  horizontal: Float32Array[];
}

/** Buffers to render w × h regions of `scene`; `reuse` when it holds enough (its contents are overwritten, never read). */
export function renderScratch(w: number, h: number, scene: RenderLook, reuse?: RenderScratch): RenderScratch {
  const m = blurMargin(scene);
  const n = (w + 2 * m) * (h + 2 * m);
  if (reuse && reuse.planted.h.length >= n) return reuse;
  return {
    planted: plantedBuffers(n),
    intensity: [new Float32Array(n), new Float32Array(n), new Float32Array(n)],
    horizontal: [new Float32Array(n), new Float32Array(n), new Float32Array(n)],
  };
}

/** Pixels planted beyond each side of a region: the widest blur kernel's radius. */
export function blurMargin(scene: RenderLook): number {
  const optics = opticsRadius(scene);
  const r = scene.realism;
  return r && r.focus.length > 0 ? Math.max(optics, Math.ceil(3 * r.heavySigma)) : optics;
}

/** Radius of the in-focus blur kernel (3 sigma). */
export function opticsRadius(scene: RenderLook): number {
  return scene.blurSigma > 0 ? Math.ceil(3 * scene.blurSigma) : 0;
}

/** Anything the slide writers can render: a size, a pixel size and region-independent regions. */
export interface RenderSource {
  width: number;
  height: number;
  mpp: number;
  /** buffers for regions up to w × h; `reuse`: buffers of an earlier render, taken when large enough */
  scratch(w: number, h: number, reuse?: RenderScratch): RenderScratch;
  region(x0: number, y0: number, w: number, h: number, scratch?: RenderScratch, out?: RgbRaster): RgbRaster;
}

/** `counts`: fed the planted rows of every full-width region rendered (countingPlanter). */
export function sceneSource(scene: Scene, counts?: PlantedCounts): RenderSource {
  return {
    width: scene.width,
    height: scene.height,
    mpp: scene.mpp,
    scratch: (w, h, reuse) => renderScratch(w, h, scene, reuse),
    region: (x0, y0, w, h, scratch, out) => renderPlanted(scene, countingPlanter((px, py, pw, ph, buf) => plantRegion(scene, px, py, pw, ph, buf), counts, x0, y0, w, h), x0, y0, w, h, scratch, out),
  };
}

/**
 * `plant`, then, when the region rendered spans the image's width, its own rows (without the
 * blur margin planted round them) into `counts`: the truth's pixel counts from the render's
 * planting (PlantedCounts). Without counts, `plant` itself.
 */
export function countingPlanter(plant: PlantFn, counts: PlantedCounts | undefined, x0: number, y0: number, w: number, h: number): PlantFn {
  if (!counts) return plant;
  return (px, py, pw, ph, buf) => {
    const planted = plant(px, py, pw, ph, buf);
    if (x0 === 0 && w === counts.width) counts.add(y0, h, planted, (y0 - py) * pw + (x0 - px), pw);
    return planted;
  };
}

export function isRenderSource(v: Scene | RenderSource): v is RenderSource {
  return typeof (v as RenderSource).region === 'function';
}

/** RGB of [x0, x0+w) × [y0, y0+h) in level-0 pixels. */
export function renderRegion(scene: Scene, x0: number, y0: number, w: number, h: number, scratch?: RenderScratch, out?: RgbRaster): RgbRaster {
  return renderPlanted(scene, (px, py, pw, ph, buf) => plantRegion(scene, px, py, pw, ph, buf), x0, y0, w, h, scratch, out);
}

/**
 * RGB of [x0, x0+w) × [y0, y0+h) for any planter. Region-independent when `plant` is: the
 * rectangle is planted with a blur margin and noise hashes the global pixel position.
 */
export function renderPlanted(scene: RenderLook, plant: PlantFn, x0: number, y0: number, w: number, h: number, scratch?: RenderScratch, out?: RgbRaster): RgbRaster {
  if (!(Number.isInteger(x0) && Number.isInteger(y0) && Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0)) {
    throw new RangeError(`renderRegion needs an integer, non-empty rectangle, got ${x0},${y0} ${w}x${h}`);
  }
  const m = blurMargin(scene);
  const W = w + 2 * m;
  const H = h + 2 * m;
  const s = scratch && scratch.planted.h.length >= W * H ? scratch : renderScratch(w, h, scene);
  const planted = plant(x0 - m, y0 - m, W, H, s.planted);
  if (scene.realism) return renderRealistic(scene, scene.realism, planted, s, x0, y0, w, h, m, out);
  absorb(scene, planted, W * H, s.intensity);
  const raster = out && out.width === w && out.height === h ? out : rgbRaster(w, h);
  const kernel = gaussianKernel(scene.blurSigma, m);
  for (let c = 0; c < 3; c++) blurRows(s.intensity[c], s.horizontal[c], W, H, kernel);
  const acc = [new Float64Array(w), new Float64Array(w), new Float64Array(w)];
  blurColumnsAndQuantise(s.horizontal, W, kernel, m, raster, acc, x0, y0, scene.noiseSigma, scene.seeds.noise);
  return raster;
}

/** I = I0 · 10^(−(cH·vH + cDAB·vDAB)) per channel (Ruifrok & Johnston 2001, SCIENCE.md). */
function absorb(scene: RenderLook, planted: PlantedBuffers, n: number, intensity: Float32Array[]): void {
  const { hematoxylin: vh, dab: vd } = scene.stain;
  const i0 = scene.i0;
  const [ir, ig, ib] = intensity;
  const { h, dab } = planted;
  const hr = -LN10 * vh[0], hg = -LN10 * vh[1], hb = -LN10 * vh[2];
  const dr = -LN10 * vd[0], dg = -LN10 * vd[1], db = -LN10 * vd[2];
  for (let p = 0; p < n; p++) {
    const ch = h[p];
    const cd = dab[p];
    ir[p] = i0 * Math.exp(ch * hr + cd * dr);
    ig[p] = i0 * Math.exp(ch * hg + cd * dg);
    ib[p] = i0 * Math.exp(ch * hb + cd * db);
  }
}

/**
 * Vertical pass row by row (contiguous reads, one accumulator row per channel), then noise and
 * 8-bit quantisation of the interleaved output row.
 */
function blurColumnsAndQuantise(src: Float32Array[], W: number, k: Float64Array, m: number, out: RgbRaster, acc: Float64Array[], x0: number, y0: number, noiseSigma: number, seed: number): void {
  const { width: w, height: h, data } = out;
  const sum = columnSum(k.length);
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < 3; c++) sum(src[c], acc[c], k, W, y * W + m, w);
    const gy = y0 + y;
    const [ar, ag, ab] = acc;
    let o = y * w * 3;
    for (let x = 0; x < w; x++, o += 3) {
      // one hash per pixel, ten bits of it per channel
      const hv = hash32(seed, x0 + x, gy);
      data[o] = quantise(ar[x] + noiseSigma * GAUSS_LUT_10[hv & 1023]);
      data[o + 1] = quantise(ag[x] + noiseSigma * GAUSS_LUT_10[(hv >>> 10) & 1023]);
      data[o + 2] = quantise(ab[x] + noiseSigma * GAUSS_LUT_10[(hv >>> 20) & 1023]);
    }
  }
}
