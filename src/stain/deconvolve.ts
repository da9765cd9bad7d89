import { floatPlane, type FloatPlane, type RgbRaster } from '../image/raster.js';
import { invert3 } from './invert.js';
import { odLuts, type I0 } from './od.js';
import type { StainMatrix, Vec3 } from './vectors.js';

/**
 * Ruifrok colour deconvolution (SCIENCE.md): with the stain vectors as rows of M,
 * OD (a row, one value per RGB channel) = c · M, so concentrations c = OD · M⁻¹.
 * Concentrations are not clamped at 0: the linear estimate is unbiased, so compartment means
 * stay unbiased too; thresholds downstream ignore small negatives.
 */
export interface StainPlanes {
  hematoxylin: FloatPlane;
  dab: FloatPlane;
  residual: FloatPlane;
}

export interface StainBuffers {
  hematoxylin: Float32Array;
  dab: Float32Array;
  /** left out when the caller has no use for it; the loop then skips that column */
  residual?: Float32Array;
  /**
   * the summed RGB OD, as summedOd (od.ts) gives it (same LUTs, same sums): the muscle tile's
   * tissue and lumen plane, taken in this pass rather than in a second one over the RGB
   */
  summed?: Float32Array;
}

function inverseOf(m: StainMatrix): [Vec3, Vec3, Vec3] {
  return invert3([m.hematoxylin, m.dab, m.residual]);
}

/** Deconvolve an RGB raster into three new concentration planes (OD units). */
export function deconvolve(rgb: RgbRaster, m: StainMatrix, i0: I0 = 255): StainPlanes {
  const n = rgb.width * rgb.height;
  const out = { hematoxylin: new Float32Array(n), dab: new Float32Array(n), residual: new Float32Array(n) };
  deconvolveInto(rgb, m, i0, out);
  return {
    hematoxylin: floatPlane(rgb.width, rgb.height, out.hematoxylin),
    dab: floatPlane(rgb.width, rgb.height, out.dab),
    residual: floatPlane(rgb.width, rgb.height, out.residual),
  };
}

/**
 * Deconvolve into caller-owned buffers (reused across tiles, so a worker allocates once).
 * Buffers must hold at least width·height values; only that prefix is written.
 * `illumination`: log10 of the relative illumination S per pixel (flat-field.ts), so OD is taken
 * against I0 · S: each channel's OD + log10 S, floored at 0 as the LUT floors it.
 */
export function deconvolveInto(rgb: RgbRaster, m: StainMatrix, i0: I0, out: StainBuffers, illumination?: Float32Array): void {
  if (rgb.channels !== 3) throw new RangeError(`deconvolution needs an RGB raster (3 channels), got ${rgb.channels}`);
  const n = rgb.width * rgb.height;
  if (rgb.data.length < n * 3) throw new RangeError(`RGB raster ${rgb.width}x${rgb.height} needs ${n * 3} bytes, got ${rgb.data.length}`);
  for (const [name, buf] of Object.entries(out)) {
    if (buf && buf.length < n) throw new RangeError(`output buffer '${name}' holds ${buf.length} values, needs ${n}`);
  }
  if (illumination && illumination.length < n) throw new RangeError(`illumination plane holds ${illumination.length} values, needs ${n}`);
  const [lr, lg, lb] = odLuts(i0);
  const inv = inverseOf(m);
  // c_j = Σ_k OD_k · inv[k][j]; unpacked so the loop body touches only locals.
  const h0 = inv[0][0], h1 = inv[1][0], h2 = inv[2][0];
  const d0 = inv[0][1], d1 = inv[1][1], d2 = inv[2][1];
  const r0 = inv[0][2], r1 = inv[1][2], r2 = inv[2][2];
  const src = rgb.data;
  const hOut = out.hematoxylin;
  const dOut = out.dab;
  const rOut = out.residual;
  const sOut = out.summed;
  if (illumination) {
    for (let p = 0, s = 0; p < n; p++, s += 3) {
      const o = illumination[p];
      const odR = Math.max(0, lr[src[s]] + o), odG = Math.max(0, lg[src[s + 1]] + o), odB = Math.max(0, lb[src[s + 2]] + o);
      hOut[p] = odR * h0 + odG * h1 + odB * h2;
      dOut[p] = odR * d0 + odG * d1 + odB * d2;
      if (rOut) rOut[p] = odR * r0 + odG * r1 + odB * r2;
      if (sOut) sOut[p] = odR + odG + odB;
    }
  } else if (sOut) {
    for (let p = 0, s = 0; p < n; p++, s += 3) {
      const odR = lr[src[s]], odG = lg[src[s + 1]], odB = lb[src[s + 2]];
      hOut[p] = odR * h0 + odG * h1 + odB * h2;
      dOut[p] = odR * d0 + odG * d1 + odB * d2;
      if (rOut) rOut[p] = odR * r0 + odG * r1 + odB * r2;
      sOut[p] = odR + odG + odB;
    }
  } else if (rOut) {
    for (let p = 0, s = 0; p < n; p++, s += 3) {
      const odR = lr[src[s]], odG = lg[src[s + 1]], odB = lb[src[s + 2]];
      hOut[p] = odR * h0 + odG * h1 + odB * h2;
      dOut[p] = odR * d0 + odG * d1 + odB * d2;
      rOut[p] = odR * r0 + odG * r1 + odB * r2;
    }
  } else {
    for (let p = 0, s = 0; p < n; p++, s += 3) {
      const odR = lr[src[s]], odG = lg[src[s + 1]], odB = lb[src[s + 2]];
      hOut[p] = odR * h0 + odG * h1 + odB * h2;
      dOut[p] = odR * d0 + odG * d1 + odB * d2;
    }
  }
}

/** Concentrations of one pixel given its OD per channel (no LUT, no 8-bit rounding). */
export function deconvolveOd(od: readonly [number, number, number], m: StainMatrix): { h: number; dab: number; res: number } {
  const inv = inverseOf(m);
  const c = (j: number) => od[0] * inv[0][j] + od[1] * inv[1][j] + od[2] * inv[2][j];
  return { h: c(0), dab: c(1), res: c(2) };
}
