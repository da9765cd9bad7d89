/**
 * The render path of a scene with realism on (render.ts takes it when scene.realism is set):
 * artefacts on the planted concentrations, Beer–Lambert with a third absorber (ink, bubble
 * rims), in-focus blur blended with a heavy blur inside focus patches, then the illumination
 * field on the transmitted light, sensor noise and quantisation. Region-independent like the
 * clean path: every input is a function of the global pixel position and the region is planted
 * with a margin as wide as the heavy kernel.
 */
import { rgbRaster, type RgbRaster } from '../../image/raster.js';
import { blurRows, columnSum, gaussianKernel, quantise } from '../optics.js';
import type { PlantedBuffers } from '../planted.js';
import { opticsRadius, type RenderLook, type RenderScratch } from '../render.js';
import { GAUSS_LUT_10, hash32 } from '../rng.js';
import { applyArtefacts, focusWeights } from './apply.js';
import { hasIllumination, illuminationField, type PlantedRealism } from './geometry.js';

const LN10 = Math.LN10;

export function renderRealistic(scene: RenderLook, r: PlantedRealism, planted: PlantedBuffers, s: RenderScratch, x0: number, y0: number, w: number, h: number, m: number, out?: RgbRaster): RgbRaster {
  const W = w + 2 * m;
  const H = h + 2 * m;
  const n = W * H;
  const ink = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  applyArtefacts(r, x0 - m, y0 - m, W, H, planted, ink);
  absorbWithInk(scene, planted, ink, n, s.intensity);

  const rad = opticsRadius(scene);
  const kernel = gaussianKernel(scene.blurSigma, rad);
  for (let c = 0; c < 3; c++) blurRows(s.intensity[c], s.horizontal[c], W, H, kernel);
  const sharp = s.horizontal.map((plane) => blurColumns(plane, W, kernel, m, w, h));

  const weights = focusWeights(r, x0, y0, w, h);
  let blurred: Float64Array[] | null = null;
  if (weights) {
    const rh = Math.ceil(3 * r.heavySigma);
    const kh = gaussianKernel(r.heavySigma, rh);
    const tmp = ink[0];
    blurred = s.intensity.map((plane) => blurWhere(plane, tmp, W, kh, m, w, h, weights));
  }

  const raster = out && out.width === w && out.height === h ? out : rgbRaster(w, h);
  const light = hasIllumination(r) ? illuminationField(r) : null;
  const { data } = raster;
  const sigma = scene.noiseSigma;
  const seed = scene.seeds.noise;
  for (let y = 0, p = 0; y < h; y++) {
    const gy = y0 + y;
    for (let x = 0; x < w; x++, p++) {
      const gx = x0 + x;
      const f = light ? light(gx, gy) : 1;
      const wt = weights ? weights[p] : 0;
      const o = 3 * p;
      // one hash per pixel, ten bits of it per channel (as the clean path)
      const hv = hash32(seed, gx, gy);
      for (let c = 0; c < 3; c++) {
        const v = blurred && wt > 0 ? (1 - wt) * sharp[c][p] + wt * blurred[c][p] : sharp[c][p];
        data[o + c] = quantise(v * f + sigma * GAUSS_LUT_10[(hv >>> (10 * c)) & 1023]);
      }
    }
  }
  return raster;
}

/** I = I0 · 10^(−(cH·vH + cDAB·vDAB + ink)) per channel. */
function absorbWithInk(scene: RenderLook, planted: PlantedBuffers, ink: Float32Array[], n: number, intensity: Float32Array[]): void {
  const { hematoxylin: vh, dab: vd } = scene.stain;
  const i0 = scene.i0;
  const { h, dab } = planted;
  for (let c = 0; c < 3; c++) {
    const out = intensity[c];
    const k = ink[c];
    const hv = -LN10 * vh[c];
    const dv = -LN10 * vd[c];
    for (let p = 0; p < n; p++) out[p] = i0 * Math.exp(h[p] * hv + dab[p] * dv - LN10 * k[p]);
  }
}

/**
 * The heavy blur (rows, then columns, as blurRows and blurColumns: the same sums in the same
 * order) only where a focus patch weighs (wt > 0), 0 elsewhere: the patches cover a small share
 * of a slide, and the full-plane 61-tap blur of every channel was half of rendering a slide.
 */
function blurWhere(src: Float32Array, tmp: Float32Array, W: number, k: Float64Array, m: number, w: number, h: number, wt: Float32Array): Float64Array {
  const r = (k.length - 1) / 2;
  const out = new Float64Array(w * h);
  // the weighted pixels' columns (output coordinates), and per output row whether it has any
  let xa = w;
  let xb = -1;
  const rowUsed = new Uint8Array(h);
  for (let y = 0, p = 0; y < h; y++) {
    for (let x = 0; x < w; x++, p++) {
      if (!(wt[p] > 0)) continue;
      rowUsed[y] = 1;
      if (x < xa) xa = x;
      if (x > xb) xb = x;
    }
  }
  if (xb < 0) return out;
  // horizontal pass on the margin rows each weighted row reads (y + m − r … y + m + r)
  const need = new Uint8Array(h + 2 * m);
  for (let y = 0; y < h; y++) if (rowUsed[y]) need.fill(1, y + m - r, y + m + r + 1);
  blurRows(src, tmp, W, need.length, k, { rows: need, x0: xa + m, x1: xb + m });
  for (let y = 0, p = 0; y < h; y++) {
    if (!rowUsed[y]) {
      p += w;
      continue;
    }
    for (let x = 0; x < w; x++, p++) {
      if (!(wt[p] > 0)) continue;
      let acc = 0;
      for (let i = 0; i < k.length; i++) acc += k[i] * tmp[(y + m - r + i) * W + m + x];
      out[p] = acc;
    }
  }
  return out;
}

/** Vertical pass of a kernel of radius ≤ m, output cropped to the w × h region inside the margin. */
function blurColumns(src: Float32Array, W: number, k: Float64Array, m: number, w: number, h: number): Float64Array {
  const r = (k.length - 1) / 2;
  // double precision like the clean path's accumulator, so realism with nothing on renders the clean slide exactly
  const out = new Float64Array(w * h);
  const sum = columnSum(k.length);
  for (let y = 0; y < h; y++) sum(src, out.subarray(y * w, y * w + w), k, W, (y + m - r) * W + m, w);
  return out;
}
