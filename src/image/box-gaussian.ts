import { reflect } from './gaussian.js';
import { wasmBoxPlanes } from './wasm/blur-wasm.js';

/**
 * Gaussian blur approximated by three "extended" box filters per axis (Gwosdek, Grewenig, Bruhn &
 * Weickert 2011): each box has integer radius r plus fractional end weights α chosen so the
 * cascade's variance is exactly σ²; its 1-D kernel is within ~6% of the Gaussian's peak
 * everywhere (2-D: 13%) and has finite support 3(r+1) ≈ 3σ. Running sums make the cost independent of σ: half the time
 * of the 19-tap kernel of σ = 3 px on a 1072² plane (the nucleus smoothing, SCIENCE.md σ 1.5 µm
 * at 0.5 µm/px).
 *
 * Borders are reflected as in `gaussianBlur` (a symmetric kernel commutes with the reflection,
 * so reflecting at every pass equals reflecting once). A pixel's value depends only on pixels
 * within the support, so overlapping tiles agree on their shared pixels up to the float64
 * rounding of the running sums (far below float32 resolution).
 */
export class BoxGaussian {
  private a = new Float64Array(0);
  private b = new Float64Array(0);
  private acc = new Float64Array(0);

  /** dst ← blur(src); `scratch` (width·height) is working space; none of the three may alias. */
  blur(src: Float32Array, dst: Float32Array, w: number, h: number, sigmaPx: number, scratch: Float32Array): void {
    const { r, alpha, inv } = extendedBox((sigmaPx * sigmaPx) / 3);
    const pad = r + 1;
    this.ensure(Math.max(w, h) + 2 * pad, w);
    // the column passes in wasm SIMD where the thread has it (same bits)
    const wasm = wasmBoxPlanes(w, h, r, (i) => reflect(i, h));
    if (wasm) {
      this.rows(src, wasm.p, w, h, r, alpha, inv);
      wasm.columns(alpha, inv);
      dst.set(wasm.q);
      return;
    }
    this.rows(src, scratch, w, h, r, alpha, inv);
    this.columns(scratch, dst, w, h, r, alpha, inv);
    this.columns(dst, scratch, w, h, r, alpha, inv);
    this.columns(scratch, dst, w, h, r, alpha, inv);
  }

  private ensure(line: number, w: number): void {
    if (this.a.length < line) {
      this.a = new Float64Array(line);
      this.b = new Float64Array(line);
    }
    if (this.acc.length < w) this.acc = new Float64Array(w);
  }

  /** Three box passes along each row inside two padded line buffers. */
  private rows(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, alpha: number, inv: number): void {
    const pad = r + 1;
    let a = this.a;
    let b = this.b;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) a[pad + x] = src[row + x];
      for (let pass = 0; pass < 3; pass++) {
        padLine(a, w, pad);
        let acc = 0;
        for (let i = pad - r; i <= pad + r; i++) acc += a[i];
        for (let x = pad, end = pad + w; x < end; x++) {
          b[x] = (acc + alpha * (a[x - r - 1] + a[x + r + 1])) * inv;
          acc += a[x + r + 1] - a[x - r];
        }
        const t = a;
        a = b;
        b = t;
      }
      for (let x = 0; x < w; x++) dst[row + x] = a[pad + x];
    }
  }

  /** One box pass down the columns, a row at a time (running sums per column). */
  private columns(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, alpha: number, inv: number): void {
    const acc = this.acc;
    acc.fill(0, 0, w);
    for (let i = -r; i <= r; i++) {
      const row = reflect(i, h) * w;
      for (let x = 0; x < w; x++) acc[x] += src[row + x];
    }
    for (let y = 0; y < h; y++) {
      const out = y * w;
      const lo = reflect(y - r - 1, h) * w;
      const hi = reflect(y + r + 1, h) * w;
      const first = reflect(y - r, h) * w;
      for (let x = 0; x < w; x++) {
        const up = src[lo + x];
        const down = src[hi + x];
        dst[out + x] = (acc[x] + alpha * (up + down)) * inv;
        acc[x] += down - src[first + x];
      }
    }
  }
}

/** Mirror the first and last `pad` samples of line[pad .. pad+n) outwards (−1 → 1, n → n−2). */
function padLine(line: Float64Array, n: number, pad: number): void {
  for (let j = 1; j <= pad; j++) {
    line[pad - j] = line[pad + reflect(-j, n)];
    line[pad + n - 1 + j] = line[pad + reflect(n - 1 + j, n)];
  }
}

/** Radius, end weight and normalisation of one extended box of the given variance (Gwosdek et al. 2011, eq. 9). */
export function extendedBox(variance: number): { r: number; alpha: number; inv: number } {
  const r = Math.max(0, Math.floor(0.5 * Math.sqrt(12 * variance + 1) - 0.5));
  const alpha = ((2 * r + 1) * (r * (r + 1) - 3 * variance)) / (6 * (variance - (r + 1) * (r + 1)));
  return { r, alpha, inv: 1 / (2 * r + 1 + 2 * alpha) };
}
