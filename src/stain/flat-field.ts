/**
 * Flat-field (illumination) estimation and evaluation, SCIENCE.md "Illumination and background":
 * the smooth surface under the brightest structures of a low-resolution overview (glass where
 * there is some, else the tissue's own palest parts), as BaSiC (Peng et al. 2017) and CIDRE
 * (Smith et al. 2015) do: block-wise high percentiles, a low-order 2-D polynomial fitted to their
 * upper envelope. Only the shape is taken from the fit; I0 (the level) is decided elsewhere.
 */
import type { FlatField } from '../domain/illumination.js';
import type { RgbRaster } from '../image/raster.js';

export interface FlatFieldOptions {
  /** blocks along the overview's longer side */
  blocksPerSide: number;
  /** the brightness percentile (0–1) that stands for each block */
  blockPercentile: number;
  /** blocks further than this below the surface (log10 of brightness) are not its envelope */
  envelopeTolerance: number;
}

export interface FlatFieldFit {
  /** on the overview's own pixel frame, normalised so that max S over it is 1 */
  field: FlatField;
  minRelative: number;
  /** blocks on the envelope at the end */
  envelopeBlocks: number;
}

const TERMS = 6;

function terms(u: number, v: number, out: Float64Array): void {
  out[0] = 1;
  out[1] = u;
  out[2] = v;
  out[3] = u * u;
  out[4] = u * v;
  out[5] = v * v;
}

interface Samples {
  us: number[];
  vs: number[];
  ys: number[];
}

/**
 * One sample per block: the blockPercentile of R+G+B over all its pixels, or, with `glass`, the
 * median over its glass pixels (blocks with fewer than a quarter of glass are left out).
 */
function blockSamples(overview: RgbRaster, opts: FlatFieldOptions, glass?: Uint8Array): Samples {
  const { width: w, height: h, data } = overview;
  const side = Math.max(2, Math.ceil(Math.max(w, h) / opts.blocksPerSide));
  const bx = Math.ceil(w / side);
  const by = Math.ceil(h / side);
  const out: Samples = { us: [], vs: [], ys: [] };
  const hist = new Uint32Array(766);
  for (let j = 0; j < by; j++) {
    for (let i = 0; i < bx; i++) {
      const x0 = i * side, x1 = Math.min(w, x0 + side);
      const y0 = j * side, y1 = Math.min(h, y0 + side);
      hist.fill(0);
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, p = y * w + x0, s = p * 3; x < x1; x++, p++, s += 3) {
          if (glass && !glass[p]) continue;
          hist[data[s] + data[s + 1] + data[s + 2]]++;
          n++;
        }
      }
      // a sliver of a block at the edge, or a block with little glass, says little
      if (n * 4 < side * side) continue;
      const want = Math.max(1, Math.ceil(n * (1 - (glass ? 0.5 : opts.blockPercentile))));
      let v = 765;
      for (let seen = hist[765]; seen < want && v > 0; ) seen += hist[--v];
      out.us.push((x0 + x1) / w - 1);
      out.vs.push((y0 + y1) / h - 1);
      out.ys.push(Math.log10(Math.max(1, v)));
    }
  }
  return out;
}

/**
 * Fit the upper envelope of block-wise brightness percentiles (no glass needed); with `glass`
 * (1 = a glass pixel of the overview), a plain fit to the glass blocks' medians, trimmed once of
 * blocks off by more than envelopeTolerance. Undefined when too few blocks.
 */
export function fitFlatField(overview: RgbRaster, opts: FlatFieldOptions, glass?: Uint8Array): FlatFieldFit | undefined {
  const { us, vs, ys } = blockSamples(overview, opts, glass);
  const m = ys.length;
  if (m < 2 * TERMS) return undefined;
  const use = new Uint8Array(m).fill(1);
  let coef = solve(us, vs, ys, use);
  const t = new Float64Array(TERMS);
  const residual = (k: number, c: Float64Array): number => {
    terms(us[k], vs[k], t);
    let f = 0;
    for (let q = 0; q < TERMS; q++) f += c[q] * t[q];
    return ys[k] - f;
  };
  // glass: one trim of outliers both ways (dust, a tissue edge); else raise the surface onto the
  // envelope: blocks far below it are darker tissue, not illumination
  for (let iter = 0; iter < (glass ? 1 : 30) && coef; iter++) {
    let changed = false;
    let kept = 0;
    for (let k = 0; k < m; k++) {
      const r = residual(k, coef);
      const keep = (glass ? Math.abs(r) : -r) <= opts.envelopeTolerance ? 1 : 0;
      if (keep !== use[k]) changed = true;
      use[k] = keep;
      kept += keep;
    }
    if (!changed || kept < 2 * TERMS) break;
    const next = solve(us, vs, ys, use);
    if (!next) break;
    coef = next;
  }
  if (!coef) return undefined;
  const { width: w, height: h } = overview;
  const field: FlatField = { width: w, height: h, log10: [coef[0], coef[1], coef[2], coef[3], coef[4], coef[5]] };
  const { min, max } = rangeOf(field);
  const normalised: FlatField = { ...field, log10: [coef[0] - max, coef[1], coef[2], coef[3], coef[4], coef[5]] };
  return { field: normalised, minRelative: 10 ** (min - max), envelopeBlocks: use.reduce((a, b) => a + b, 0) };
}

/** Min and max of log10 S over the frame, on a grid fine enough for a quadratic. */
function rangeOf(f: FlatField): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const row = new Float32Array(33);
  for (let j = 0; j <= 32; j++) {
    flatFieldRow(f, { x0: -0.5, step: f.width / 32 }, (j * f.height) / 32 - 0.5, row);
    for (const v of row) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { min, max };
}

/** Weighted least squares over the used points (normal equations, Gaussian elimination with pivoting). */
function solve(us: number[], vs: number[], ys: number[], use: Uint8Array): Float64Array | undefined {
  const a = new Float64Array(TERMS * TERMS);
  const b = new Float64Array(TERMS);
  const t = new Float64Array(TERMS);
  for (let k = 0; k < ys.length; k++) {
    if (!use[k]) continue;
    terms(us[k], vs[k], t);
    for (let p = 0; p < TERMS; p++) {
      b[p] += t[p] * ys[k];
      for (let q = 0; q < TERMS; q++) a[p * TERMS + q] += t[p] * t[q];
    }
  }
  for (let c = 0; c < TERMS; c++) {
    let piv = c;
    for (let r = c + 1; r < TERMS; r++) if (Math.abs(a[r * TERMS + c]) > Math.abs(a[piv * TERMS + c])) piv = r;
    if (Math.abs(a[piv * TERMS + c]) < 1e-12) return undefined;
    if (piv !== c) {
      for (let q = 0; q < TERMS; q++) [a[c * TERMS + q], a[piv * TERMS + q]] = [a[piv * TERMS + q], a[c * TERMS + q]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    for (let r = 0; r < TERMS; r++) {
      if (r === c) continue;
      const f = a[r * TERMS + c] / a[c * TERMS + c];
      if (f === 0) continue;
      for (let q = c; q < TERMS; q++) a[r * TERMS + q] -= f * a[c * TERMS + q];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(TERMS);
  for (let c = 0; c < TERMS; c++) x[c] = b[c] / a[c * TERMS + c];
  return x;
}

/** The same surface on another frame of the same image (e.g. overview → analysed level). */
export function rescaleFlatField(f: FlatField, width: number, height: number): FlatField {
  return { width, height, log10: f.log10 };
}

/**
 * log10 S of row y at the pixel centres x0 + i·step + 0.5 (frame pixels, i = 0 … n − 1), into out.
 * A quadratic along the row, so forward differences: two additions per pixel.
 */
export function flatFieldRow(f: FlatField, at: { x0: number; step?: number }, y: number, out: Float32Array, n = out.length): void {
  const [c0, c1, c2, c3, c4, c5] = f.log10;
  const step = at.step ?? 1;
  const v = (2 * (y + 0.5)) / f.height - 1;
  // log10 S(u) = A + B·u + C·u² along the row
  const A = c0 + c2 * v + c5 * v * v;
  const B = c1 + c4 * v;
  const C = c3;
  const du = (2 * step) / f.width;
  const u = (2 * (at.x0 + 0.5)) / f.width - 1;
  let val = A + B * u + C * u * u;
  let d1 = B * du + C * (2 * u * du + du * du);
  const d2 = 2 * C * du * du;
  for (let i = 0; i < n; i++) {
    out[i] = val;
    val += d1;
    d1 += d2;
  }
}

/** log10 S for every pixel of the rectangle [x0, x0 + w) × [y0, y0 + h) of the frame, row-major, into out (reused). */
export function flatFieldPlane(f: FlatField, x0: number, y0: number, w: number, h: number, out?: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> {
  const plane = out && out.length >= w * h ? out : new Float32Array(w * h);
  for (let y = 0; y < h; y++) flatFieldRow(f, { x0 }, y0 + y, plane.subarray(y * w, y * w + w), w);
  return plane;
}
