import { floatPlane, type FloatPlane } from '../raster.js';

/** Normalised 1-D Gaussian taps, radius ceil(3σ) (99.7% of the mass). */
export function gaussianKernel(sigmaPx: number): Float32Array {
  if (!(sigmaPx > 0)) return Float32Array.of(1);
  const r = Math.max(1, Math.ceil(3 * sigmaPx));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp((-i * i) / (2 * sigmaPx * sigmaPx));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Reflect (mirror without repeating the edge sample: -1 → 1, n → n-2), valid for |i| < 2n. */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * n - 2 - j;
  return j;
}

/**
 * Separable Gaussian blur with reflected borders. `out` may be the source itself; `scratch`
 * (width·height floats) is reused across calls when given so tiles allocate nothing.
 */
export function gaussianBlur(src: FloatPlane, sigmaPx: number, out?: FloatPlane, scratch?: Float32Array): FloatPlane {
  const { width: w, height: h } = src;
  const n = w * h;
  const dst = out ?? floatPlane(w, h);
  if (dst.width !== w || dst.height !== h) throw new RangeError(`blur output ${dst.width}x${dst.height} differs from source ${w}x${h}`);
  const k = gaussianKernel(sigmaPx);
  const r = (k.length - 1) >> 1;
  if (r === 0) {
    if (dst.data !== src.data) dst.data.set(src.data);
    return dst;
  }
  const tmp = scratch && scratch.length >= n ? scratch : new Float32Array(n);
  const s = src.data;
  const d = dst.data;

  // Horizontal pass into tmp; the border columns take the slow reflected path only.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (x >= r && x < w - r) {
        const base = row + x - r;
        for (let t = 0; t < k.length; t++) acc += k[t] * s[base + t];
      } else {
        for (let t = -r; t <= r; t++) acc += k[t + r] * s[row + reflect(x + t, w)];
      }
      tmp[row + x] = acc;
    }
  }
  // Vertical pass row by row (cache friendly: inner loop runs along x).
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const interior = y >= r && y < h - r;
    for (let x = 0; x < w; x++) d[row + x] = 0;
    for (let t = -r; t <= r; t++) {
      const yy = interior ? y + t : reflect(y + t, h);
      const kt = k[t + r];
      const srow = yy * w;
      for (let x = 0; x < w; x++) d[row + x] += kt * tmp[srow + x];
    }
  }
  return dst;
}
