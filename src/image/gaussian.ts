import { floatPlane, type FloatPlane } from './raster.js';

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
export function reflect(i: number, n: number): number {
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

  // Horizontal pass into tmp. The kernel is symmetric: fold the taps (r + 1 multiplies).
  // Border columns take the reflected path; the interior loop has no branch.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (x === r && w - r > r) x = w - r; // interior done below
      let acc = 0;
      for (let t = -r; t <= r; t++) acc += k[t + r] * s[row + reflect(x + t, w)];
      tmp[row + x] = acc;
    }
    for (let x = r; x < w - r; x++) {
      const c = row + x;
      let acc = k[r] * s[c];
      for (let t = 1; t <= r; t++) acc += k[r + t] * (s[c - t] + s[c + t]);
      tmp[c] = acc;
    }
  }
  // Vertical pass a row at a time (memory read in order), symmetric taps folded.
  const k0 = k[r];
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) d[row + x] = k0 * tmp[row + x];
    for (let t = 1; t <= r; t++) {
      const a = reflect(y - t, h) * w;
      const b = reflect(y + t, h) * w;
      const kt = k[r + t];
      for (let x = 0; x < w; x++) d[row + x] += kt * (tmp[a + x] + tmp[b + x]);
    }
  }
  return dst;
}
