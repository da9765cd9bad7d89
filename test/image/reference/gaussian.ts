import { gaussianKernel, reflect } from '../../../src/image/gaussian.js';
import { floatPlane, type FloatPlane } from '../../../src/image/raster.js';

/** The separable Gaussian blur as first written (one tap per sweep): what the unrolled one must equal bit for bit. */
export function gaussianBlurReference(src: FloatPlane, sigmaPx: number): FloatPlane {
  const { width: w, height: h, data: s } = src;
  const k = gaussianKernel(sigmaPx);
  const r = (k.length - 1) >> 1;
  const d = Float32Array.from(s);
  if (r === 0) return floatPlane(w, h, d);
  const tmp = new Float32Array(w * h);

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
  return floatPlane(w, h, d);
}
