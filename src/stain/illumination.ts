/**
 * Background and illumination of one slide from its low-resolution overview (SCIENCE.md
 * "Illumination and background"): the flat field's shape (flat-field.ts), then whether glass is
 * in view and I0. Glass is the bright mode of the flat-field-corrected overview when it is also
 * featureless: at overview resolution blank glass is flat to a fraction of a percent, while even
 * the palest tissue (unstained fibre interiors, stroma) carries fibre borders, septa and nuclei.
 * Without glass, I0 is the white point (params), never the tissue's own brightest pixels.
 */
import type { FlatField, IlluminationSummary } from '../domain/illumination.js';
import type { RgbRaster } from '../image/raster.js';
import { estimateBackground } from './background.js';
import { fitFlatField, flatFieldRow, type FlatFieldOptions } from './flat-field.js';
import type { I0 } from './od.js';

export interface IlluminationOptions extends FlatFieldOptions {
  /** fit a flat field at all ('none': uniform illumination, as before issue 10) */
  fit: boolean;
  /** a fitted field whose darkest point is within this of its brightest (relative) is taken as flat */
  minCorrection: number;
  /** median |Laplacian| / brightness of the glass candidates above which they are tissue, not glass */
  maxGlassTexture: number;
  /** 'estimate': I0 from glass when there is some; 'fixed': always `i0` */
  background: 'estimate' | 'fixed';
  /** the white point: I0 when fixed or when no glass is in view */
  i0: number;
  minGlassFraction: number;
  minGlassPixels: number;
}

export interface IlluminationEstimate {
  i0: I0;
  /** on the overview's pixel frame; absent when illumination is taken as uniform */
  flatField?: FlatField;
  summary: IlluminationSummary;
  /** why I0 is the white point where an estimate was asked for */
  note?: string;
}

export function estimateIllumination(overview: RgbRaster, opts: IlluminationOptions): IlluminationEstimate {
  const { width: w, height: h } = overview;
  const pixels = w * h;
  // first the upper envelope, which needs no glass: enough to tell glass from tissue
  let fit = opts.fit ? fitFlatField(overview, opts) : undefined;
  let corrected = fit !== undefined && 1 - fit.minRelative > opts.minCorrection;
  let flat = corrected ? divideByField(overview, fit!.field) : overview.data;
  let est = estimateBackground(flat);
  const glassTexture = candidateTexture(flat, w, h, est.lowestSum);
  const glass =
    opts.background === 'estimate' &&
    !est.clamped &&
    est.pixels >= Math.max(opts.minGlassPixels, opts.minGlassFraction * pixels) &&
    glassTexture <= opts.maxGlassTexture;
  if (glass && opts.fit) {
    // with glass in view the field is the glass itself: refit on glass pixels only, so pale
    // tissue near the envelope cannot pull the surface down where glass is scarce
    const refit = fitFlatField(overview, opts, glassPixels(flat, est.lowestSum)) ?? fit;
    fit = refit;
    corrected = refit !== undefined && 1 - refit.minRelative > opts.minCorrection;
    flat = corrected ? divideByField(overview, refit!.field) : overview.data;
    est = estimateBackground(flat);
  }
  const i0: I0 = glass ? est.i0 : opts.i0;
  const summary: IlluminationSummary = {
    glass,
    i0Source: opts.background === 'fixed' ? 'fixed' : glass ? 'glass' : 'white-point',
    minRelative: corrected ? round4(fit!.minRelative) : 1,
    maxRelative: 1,
    corrected,
    glassTexture: round4(glassTexture),
  };
  const note = opts.background === 'estimate' && !glass ? `background I0 kept at the white point ${opts.i0}: no glass in the overview` : undefined;
  return { i0, flatField: corrected ? fit!.field : undefined, summary, note };
}

function glassPixels(rgb: Uint8Array, lowest: number): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0, s = 0; p < out.length; p++, s += 3) out[p] = rgb[s] + rgb[s + 1] + rgb[s + 2] >= lowest ? 1 : 0;
  return out;
}

/** The overview with the illumination divided out, rounded back to 8 bits. */
function divideByField(overview: RgbRaster, field: FlatField): Uint8Array {
  const { width: w, height: h, data } = overview;
  const out = new Uint8Array(data.length);
  const row = new Float32Array(w);
  for (let y = 0; y < h; y++) {
    flatFieldRow(field, { x0: 0 }, y, row);
    for (let x = 0, s = y * w * 3; x < w; x++, s += 3) {
      const k = 10 ** -row[x];
      out[s] = Math.min(255, Math.round(data[s] * k));
      out[s + 1] = Math.min(255, Math.round(data[s + 1] * k));
      out[s + 2] = Math.min(255, Math.round(data[s + 2] * k));
    }
  }
  return out;
}

/** Median of |4c − (l + r + u + d)| / c over interior candidate pixels (R+G+B ≥ lowest); 0 without any. */
function candidateTexture(rgb: Uint8Array, w: number, h: number, lowest: number): number {
  const sum = new Float32Array(w * h);
  for (let p = 0, s = 0; p < sum.length; p++, s += 3) sum[p] = rgb[s] + rgb[s + 1] + rgb[s + 2];
  const values: number[] = [];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      const c = sum[p];
      if (c < lowest || c <= 0) continue;
      values.push(Math.abs(4 * c - sum[p - 1] - sum[p + 1] - sum[p - w] - sum[p + w]) / c);
    }
  }
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
