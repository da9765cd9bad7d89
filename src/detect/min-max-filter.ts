/**
 * Running min / max over a window of 2r+1 samples along rows or columns, van Herk / Gil-Werman:
 * block-wise prefix and suffix extrema give each window in O(1) whatever r (≈3 comparisons per
 * sample). Samples outside the image are ignored (padding with the neutral element), so the
 * filter never invents values at the border.
 */
export class MinMaxFilter {
  private g = new Float32Array(0);
  private hb = new Float32Array(0);
  private line = new Float32Array(0);

  private ensure(n: number): void {
    if (this.g.length < n) {
      this.g = new Float32Array(n);
      this.hb = new Float32Array(n);
      this.line = new Float32Array(n);
    }
  }

  /** Filter every row (axis 'x') or column (axis 'y') of src into dst (may alias src). */
  run(src: Float32Array, dst: Float32Array, width: number, height: number, r: number, axis: 'x' | 'y', op: 'min' | 'max'): void {
    if (r <= 0) {
      if (dst !== src) dst.set(src.subarray(0, width * height));
      return;
    }
    const len = axis === 'x' ? width : height;
    const lines = axis === 'x' ? height : width;
    const along = axis === 'x' ? 1 : width;
    const across = axis === 'x' ? width : 1;
    const k = 2 * r + 1;
    const padded = len + 2 * r;
    this.ensure(padded + k);
    const { g, hb, line } = this;
    const neutral = op === 'min' ? Infinity : -Infinity;
    const isMin = op === 'min';
    // Pad to a whole number of blocks so suffix extrema start on block ends.
    const total = Math.ceil(padded / k) * k;

    for (let l = 0; l < lines; l++) {
      const base = l * across;
      for (let i = 0; i < total; i++) {
        const j = i - r;
        line[i] = j >= 0 && j < len ? src[base + j * along] : neutral;
      }
      for (let i = 0; i < total; i++) {
        const v = line[i];
        if (i % k === 0) g[i] = v;
        else {
          const p = g[i - 1];
          g[i] = isMin ? (v < p ? v : p) : v > p ? v : p;
        }
      }
      for (let i = total - 1; i >= 0; i--) {
        const v = line[i];
        if (i % k === k - 1) hb[i] = v;
        else {
          const p = hb[i + 1];
          hb[i] = isMin ? (v < p ? v : p) : v > p ? v : p;
        }
      }
      // The window centred on output j covers padded [j, j + k - 1].
      for (let j = 0; j < len; j++) {
        const a = hb[j];
        const b = g[j + k - 1];
        dst[base + j * along] = isMin ? (a < b ? a : b) : a > b ? a : b;
      }
    }
  }
}
