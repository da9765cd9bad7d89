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

  horizontal(s, tmp, w, h, k, r);
  verticalInto(tmp, d, w, h, k, r);
  return dst;
}

/**
 * Horizontal pass into tmp, symmetric taps folded (r + 1 multiplies); border columns take the
 * reflected path, the interior has no branch. σ = 1 px (r = 3, the QC and lumen smoothing) is
 * unrolled: the same additions in the same order, so the same bits, at half the time.
 */
function horizontal(s: Float32Array, tmp: Float32Array, w: number, h: number, k: Float32Array, r: number): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (x === r && w - r > r) x = w - r; // interior done below
      let acc = 0;
      for (let t = -r; t <= r; t++) acc += k[t + r] * s[row + reflect(x + t, w)];
      tmp[row + x] = acc;
    }
    if (r === 3) {
      const k0 = k[3], k1 = k[4], k2 = k[5], k3 = k[6];
      for (let c = row + 3, end = row + w - 3; c < end; c++) {
        let acc = k0 * s[c];
        acc += k1 * (s[c - 1] + s[c + 1]);
        acc += k2 * (s[c - 2] + s[c + 2]);
        acc += k3 * (s[c - 3] + s[c + 3]);
        tmp[c] = acc;
      }
      continue;
    }
    for (let c = row + r, end = row + w - r; c < end; c++) {
      let acc = k[r] * s[c];
      for (let t = 1; t <= r; t++) acc += k[r + t] * (s[c - t] + s[c + t]);
      tmp[c] = acc;
    }
  }
}

/**
 * Vertical pass a row at a time (memory read in order). The output is float32 and each tap's sum
 * is rounded to it, as when every tap is added into the output row in its own sweep; three taps
 * share one sweep here (Math.fround between them), so the row is read and written a third as often.
 */
function verticalInto(tmp: Float32Array, d: Float32Array, w: number, h: number, k: Float32Array, r: number): void {
  const k0 = k[r];
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (r === 3 && y >= 3 && y < h - 3) {
      const k1 = k[4], k2 = k[5], k3 = k[6];
      const a1 = row - w, b1 = row + w, a2 = row - 2 * w, b2 = row + 2 * w, a3 = row - 3 * w, b3 = row + 3 * w;
      for (let x = 0; x < w; x++) {
        let acc = Math.fround(k0 * tmp[row + x]);
        acc = Math.fround(acc + k1 * (tmp[a1 + x] + tmp[b1 + x]));
        acc = Math.fround(acc + k2 * (tmp[a2 + x] + tmp[b2 + x]));
        d[row + x] = acc + k3 * (tmp[a3 + x] + tmp[b3 + x]);
      }
      continue;
    }
    for (let x = 0; x < w; x++) d[row + x] = k0 * tmp[row + x];
    let t = 1;
    for (; t + 2 <= r; t += 3) {
      const a1 = reflect(y - t, h) * w, b1 = reflect(y + t, h) * w, c1 = k[r + t];
      const a2 = reflect(y - t - 1, h) * w, b2 = reflect(y + t + 1, h) * w, c2 = k[r + t + 1];
      const a3 = reflect(y - t - 2, h) * w, b3 = reflect(y + t + 2, h) * w, c3 = k[r + t + 2];
      for (let x = 0; x < w; x++) {
        let acc = Math.fround(d[row + x] + c1 * (tmp[a1 + x] + tmp[b1 + x]));
        acc = Math.fround(acc + c2 * (tmp[a2 + x] + tmp[b2 + x]));
        d[row + x] = acc + c3 * (tmp[a3 + x] + tmp[b3 + x]);
      }
    }
    for (; t <= r; t++) {
      const a = reflect(y - t, h) * w;
      const b = reflect(y + t, h) * w;
      const kt = k[r + t];
      for (let x = 0; x < w; x++) d[row + x] += kt * (tmp[a + x] + tmp[b + x]);
    }
  }
}
