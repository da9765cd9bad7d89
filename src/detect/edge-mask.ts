import { gaussianKernel, reflect } from '../image/gaussian.js';

/**
 * The nucleus mask before hole filling (NucleusDetector): pixel i is foreground when the
 * detection-smoothed, background-subtracted plane `s` reaches `threshold` AND the lightly smoothed
 * plane minus the background reaches `fraction` × the maximum of `s` in the (2r+1)² window
 * around i (a local half-maximum edge).
 *
 * Only ≈5% of a tissue tile passes `s ≥ threshold`, so the light smoothing and the window
 * maximum are computed at those pixels only, never as full planes. Both reproduce the full-plane
 * results bit for bit: the light blur repeats `gaussianBlur`'s separable sums in the same order
 * with the same float32 roundings (reflected borders included), and a maximum is exact.
 */
export class EdgeMask {
  private colMax = new Float32Array(0);
  private rowsTmp = new Float32Array(0);
  private rowOffsets = new Int32Array(0);
  // Horizontal light sums, computed on demand: a candidate's 2·kr + 1 rows are mostly shared
  // with the candidates above and below it. `stamp` marks the pixels computed in this call.
  private hsum = new Float32Array(0);
  private stamp = new Int32Array(0);
  private generation = 0;

  /**
   * Writes mask (0/1, every pixel) and the foreground pixel indices in raster order into
   * `pixels`; returns their number. `bg` is the opening subtracted from `s` (null: none).
   */
  build(
    hem: Float32Array,
    s: Float32Array,
    bg: Float32Array | null,
    w: number,
    h: number,
    threshold: number,
    lightSigmaPx: number,
    r: number,
    fraction: number,
    mask: Uint8Array,
    pixels: Int32Array,
  ): number {
    if (this.colMax.length < w) this.colMax = new Float32Array(w);
    const k = gaussianKernel(lightSigmaPx);
    const kr = (k.length - 1) >> 1;
    if (this.rowsTmp.length < 2 * kr + 1) {
      this.rowsTmp = new Float32Array(2 * kr + 1);
      this.rowOffsets = new Int32Array(2 * kr + 1);
    }
    const colMax = this.colMax;
    const tmp = this.rowsTmp;
    const offsets = this.rowOffsets;
    const k0 = k[kr];
    mask.fill(0, 0, w * h);
    if (this.hsum.length < w * h) {
      this.hsum = new Float32Array(w * h);
      this.stamp = new Int32Array(w * h);
      this.generation = 0;
    }
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    const gen = ++this.generation;
    const { hsum, stamp } = this;
    let count = 0;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let t = -kr; t <= kr; t++) offsets[t + kr] = reflect(y + t, h) * w;
      let x = 0;
      while (x < w) {
        if (!(s[row + x] >= threshold)) {
          x++;
          continue;
        }
        // A run of candidates [xa, xb): column maxima over rows y±r once, then windows along x.
        const xa = x;
        while (x < w && s[row + x] >= threshold) x++;
        const xb = x;
        const ca = xa - r < 0 ? 0 : xa - r;
        const cb = xb + r > w ? w : xb + r;
        const ya = y - r < 0 ? 0 : y - r;
        const yb = y + r >= h ? h - 1 : y + r;
        for (let c = ca; c < cb; c++) {
          let m = s[ya * w + c];
          for (let yy = ya + 1; yy <= yb; yy++) {
            const v = s[yy * w + c];
            if (v > m) m = v;
          }
          colMax[c] = m;
        }
        for (let xi = xa; xi < xb; xi++) {
          const wa = xi - r < 0 ? 0 : xi - r;
          const wb = xi + r >= w ? w - 1 : xi + r;
          let lm = colMax[wa];
          for (let c = wa + 1; c <= wb; c++) if (colMax[c] > lm) lm = colMax[c];
          // Light smoothing at (xi, y): horizontal sums of rows y−kr..y+kr, then the vertical taps.
          let light: number;
          if (kr === 0) light = hem[row + xi];
          else {
            const interior = xi >= kr && xi < w - kr;
            for (let t = -kr; t <= kr; t++) {
              const rr = offsets[t + kr];
              const c = rr + xi;
              if (stamp[c] !== gen) {
                let acc: number;
                if (interior) {
                  acc = k0 * hem[c];
                  for (let u = 1; u <= kr; u++) acc += k[kr + u] * (hem[c - u] + hem[c + u]);
                } else {
                  acc = 0;
                  for (let u = -kr; u <= kr; u++) acc += k[u + kr] * hem[rr + reflect(xi + u, w)];
                }
                hsum[c] = acc;
                stamp[c] = gen;
              }
              tmp[t + kr] = hsum[c];
            }
            // gaussianBlur's vertical pass: tmp[kr ± t] holds row reflect(y ± t); same pairing and order.
            light = Math.fround(k0 * tmp[kr]);
            for (let t = 1; t <= kr; t++) light = Math.fround(light + k[kr + t] * (tmp[kr - t] + tmp[kr + t]));
          }
          const i = row + xi;
          if (bg !== null) light = Math.fround(light - bg[i]);
          if (light >= fraction * lm) {
            mask[i] = 1;
            pixels[count++] = i;
          }
        }
      }
    }
    return count;
  }
}
