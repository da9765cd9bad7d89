/**
 * Background and illumination of one slide from its low-resolution overview (SCIENCE.md
 * "Illumination and background"): which overview pixels are glass, the flat field's shape
 * (flat-field.ts) and I0. Glass is bright and featureless: at overview resolution blank glass is
 * flat to a fraction of a percent, while even the palest tissue (unstained fibre interiors,
 * stroma) carries fibre borders, septa and nuclei. With glass the field is fitted to glass only
 * (brightness alone cannot tell vignetting from pale tissue ringed by glass); without, to the
 * tissue's upper envelope, and I0 is the white point (params), never the tissue's own pixels.
 */
import type { FlatField, IlluminationSummary } from '../domain/illumination.js';
import type { RgbRaster } from '../image/raster.js';
import { ComponentLabeller } from '../image/label.js';
import { estimateBackground, I0_MIN } from './background.js';
import { fitFlatField, flatFieldRow, type FlatFieldFit, type FlatFieldOptions } from './flat-field.js';
import type { I0 } from './od.js';

export interface IlluminationOptions extends FlatFieldOptions {
  /** fit a flat field at all ('none': uniform illumination, as before issue 10) */
  fit: boolean;
  /** a fitted field whose darkest point is within this of its brightest (relative) is taken as flat */
  minCorrection: number;
  /** median relative |Laplacian| of the bright mode above which it is tissue, not glass */
  maxGlassTexture: number;
  /** relative |Laplacian| above which a single overview pixel is not glass (the glass-only fit) */
  glassPixelTexture: number;
  /** glass in view has one clear (featureless) region at least this share of the overview */
  minGlassRegion: number;
  /** ...or featureless pixels at least that share in all, neutral: median chroma at most this */
  maxGlassChroma: number;
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
  const { width: w, height: h, data } = overview;
  const pixels = w * h;
  // is glass in view? The bright mode of the overview, evened by the upper envelope (which needs
  // no glass), is glass only when it is featureless
  // Raw first: uniform light or a gradient leaves glass the brightest mode. Then evened by the
  // upper envelope (which needs no glass), for strong vignetting; the envelope can also lift pale
  // tissue ringed by glass to the glass level, so either view showing featureless glass counts.
  const envelope = opts.fit ? fitFlatField(overview, opts) : undefined;
  const views = [data];
  if (envelope && 1 - envelope.minRelative > opts.minCorrection) views.push(divideByField(overview, envelope.field));
  const need = Math.max(opts.minGlassPixels, opts.minGlassFraction * pixels);
  let evened = data;
  let est = estimateBackground(data);
  let texture = Infinity;
  for (const view of views) {
    const e = estimateBackground(view);
    const t = candidateTexture(view, w, h, e.lowestSum);
    if (!e.clamped && e.pixels >= need && t < texture) {
      [evened, est, texture] = [view, e, t];
    }
  }
  // featureless bright pixels are glass only when some of them make one clear region: the flat
  // cores of pale fibres in a whole-field section are many small pieces (≤ a fibre each)
  const flatMap = opts.background === 'estimate' && texture <= opts.maxGlassTexture ? glassPixels(overview, opts, evened, est.lowestSum) : undefined;
  const glass = flatMap !== undefined && isGlass(flatMap, data, w, h, opts);
  if (!Number.isFinite(texture)) texture = candidateTexture(data, w, h, est.lowestSum);
  // with glass the field is fitted to glass pixels only: brightness alone cannot tell vignetting
  // from pale tissue ringed by glass; without, the envelope of the tissue's brightest structures
  const glassMap = glass ? flatMap : undefined;
  const fit = !opts.fit ? undefined : glassMap ? fitGlass(overview, opts, glassMap) : envelope;
  const corrected = fit !== undefined && 1 - fit.minRelative > opts.minCorrection;
  let i0: I0 = opts.i0;
  if (glass) {
    // uniform light: I0 exactly as before issue 10 (the bright glass mode of the raw overview)
    i0 = corrected ? glassMedian(overview, glassMap!, fit!.field) : estimateBackground(data).i0;
  }
  const summary: IlluminationSummary = {
    glass,
    i0Source: opts.background === 'fixed' ? 'fixed' : glass ? 'glass' : 'white-point',
    minRelative: corrected ? round4(fit!.minRelative) : 1,
    maxRelative: 1,
    corrected,
    glassTexture: round4(texture),
  };
  const note = opts.background === 'estimate' && !glass ? `background I0 kept at the white point ${opts.i0}: no glass in the overview` : undefined;
  return { i0, flatField: corrected ? fit!.field : undefined, summary, note };
}

/**
 * The flat field from glass pixels, refined: after each fit only the glass pixels within
 * envelopeTolerance of the surface stay (flat pale tissue a few percent darker leaves), then refit.
 */
function fitGlass(overview: RgbRaster, opts: IlluminationOptions, glass: Uint8Array): FlatFieldFit | undefined {
  const { width: w, height: h, data } = overview;
  let fit = fitFlatField(overview, opts, glass);
  const row = new Float32Array(w);
  for (let iter = 0; iter < 3 && fit; iter++) {
    // the glass level on the fitted surface: median of log10(sum) − log10 S over the glass pixels
    const rel: number[] = [];
    const keep = new Uint8Array(glass.length);
    for (let y = 0; y < h; y++) {
      flatFieldRow(fit.field, { x0: 0 }, y, row);
      for (let x = 0, p = y * w; x < w; x++, p++) if (glass[p]) rel.push(Math.log10(Math.max(1, data[3 * p] + data[3 * p + 1] + data[3 * p + 2])) - row[x]);
    }
    rel.sort((a, b) => a - b);
    const level = rel[rel.length >> 1];
    let kept = 0;
    for (let y = 0; y < h; y++) {
      flatFieldRow(fit.field, { x0: 0 }, y, row);
      for (let x = 0, p = y * w; x < w; x++, p++) {
        if (!glass[p]) continue;
        const r = Math.log10(Math.max(1, data[3 * p] + data[3 * p + 1] + data[3 * p + 2])) - row[x] - level;
        if (Math.abs(r) <= opts.envelopeTolerance) {
          keep[p] = 1;
          kept++;
        }
      }
    }
    if (kept === 0) break;
    glass = keep;
    fit = fitFlatField(overview, opts, glass) ?? fit;
  }
  return fit;
}

/**
 * Glass pixels of the overview: in the bright mode of the evened overview (R+G+B ≥ lowest) and
 * featureless (relative |Laplacian| ≤ glassPixelTexture at the pixel and its eight neighbours, so
 * tissue edges and the flat middles of single fibres drop out).
 */
export function glassPixels(overview: RgbRaster, opts: Pick<IlluminationOptions, 'glassPixelTexture'>, evened: Uint8Array, lowest: number): Uint8Array {
  const { width: w, height: h, data } = overview;
  const n = w * h;
  const sum = new Float32Array(n);
  for (let p = 0, s = 0; p < n; p++, s += 3) sum[p] = data[s] + data[s + 1] + data[s + 2];
  const flat = new Uint8Array(n);
  const at = (x: number, y: number): number => sum[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const c = sum[p];
      if (evened[3 * p] + evened[3 * p + 1] + evened[3 * p + 2] < lowest || c <= 0) continue;
      const lap = Math.abs(4 * c - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1)) / c;
      flat[y * w + x] = lap <= opts.glassPixelTexture ? 1 : 0;
    }
  }
  const out = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let all = 1;
      for (let dy = -1; dy <= 1 && all; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          if (!flat[yy * w + xx]) {
            all = 0;
            break;
          }
        }
      }
      out[y * w + x] = all;
    }
  }
  return out;
}

/**
 * Featureless bright pixels are glass when one 4-connected piece of them is a clear region
 * (minGlassRegion of the overview), or when, in pieces, they add up to as much and are neutral:
 * glass passes the light unchanged, so on a white-balanced scan its R, G and B are equal, while
 * the palest tissue keeps its stains' tint. A section that reaches the image's edge in places
 * leaves its glass in strips and corners, each smaller than the flat cores of large pale fibres
 * (widened muscle tuning seed 73: glass in pieces of at most 128 of 14 161 overview pixels, 617 in
 * all, median chroma 0; bench/outside-field.mjs, no glass: fibre cores up to 207 pixels, 2614 in
 * all, median chroma 0.10; test/pipeline/whole-field-pale.test.ts's unstained cores 0.026).
 */
function isGlass(flat: Uint8Array, rgb: Uint8Array, w: number, h: number, opts: Pick<IlluminationOptions, 'minGlassRegion' | 'maxGlassChroma'>): boolean {
  const need = opts.minGlassRegion * w * h;
  if (largestRegion(flat, w, h) >= need) return true;
  const chroma: number[] = [];
  for (let p = 0; p < w * h; p++) {
    if (!flat[p]) continue;
    const r = rgb[3 * p], g = rgb[3 * p + 1], b = rgb[3 * p + 2];
    chroma.push((Math.max(r, g, b) - Math.min(r, g, b)) / ((r + g + b) / 3));
  }
  if (chroma.length < need) return false;
  chroma.sort((a, b) => a - b);
  return chroma[chroma.length >> 1] <= opts.maxGlassChroma;
}

/** Pixels of the largest 4-connected piece of `mask`. */
function largestRegion(mask: Uint8Array, w: number, h: number): number {
  const labels = new Int32Array(w * h);
  const { area } = new ComponentLabeller().labelWithAreas(mask, w, h, labels, 4);
  return area.reduce((best, a) => Math.max(best, a), 0);
}

/** Per-channel median of glass pixels with the illumination divided out (I / S), clamped to [I0_MIN, 255]. */
function glassMedian(overview: RgbRaster, glass: Uint8Array, field: FlatField): [number, number, number] {
  const { width: w, height: h, data } = overview;
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const row = new Float32Array(w);
  let n = 0;
  for (let y = 0; y < h; y++) {
    flatFieldRow(field, { x0: 0 }, y, row);
    for (let x = 0, p = y * w, s = p * 3; x < w; x++, p++, s += 3) {
      if (!glass[p]) continue;
      const k = 10 ** -row[x];
      for (let c = 0; c < 3; c++) hist[c][Math.min(255, Math.round(data[s + c] * k))]++;
      n++;
    }
  }
  return hist.map((hc) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += hc[v]) >= n / 2) return Math.max(I0_MIN, v);
    return 255;
  }) as [number, number, number];
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
