/**
 * Running min / max over a window of 2r+1 samples along rows or columns, van Herk / Gil-Werman:
 * block-wise prefix and suffix extrema give each window in O(1) whatever r (≈3 comparisons per
 * sample). Samples outside the image are ignored (padding with the neutral element), so the
 * filter never invents values at the border. Columns are filtered a whole row at a time so
 * memory is read in order.
 */
export class MinMaxFilter {
  private g = new Float32Array(0);
  private hb = new Float32Array(0);

  private ensure(n: number): void {
    if (this.g.length < n) {
      this.g = new Float32Array(n);
      this.hb = new Float32Array(n);
    }
  }

  /**
   * Morphological opening with a (2r+1)² square into dst (may alias src): separable erosion then
   * dilation. Keeps bright structures wider than the square, removes narrower ones.
   */
  opening(src: Float32Array, dst: Float32Array, width: number, height: number, r: number): void {
    this.run(src, dst, width, height, r, 'x', 'min');
    this.run(dst, dst, width, height, r, 'y', 'min');
    this.run(dst, dst, width, height, r, 'x', 'max');
    this.run(dst, dst, width, height, r, 'y', 'max');
  }

  /** Morphological closing with a (2r+1)² square: dilation then erosion (fills dark gaps narrower than it). */
  closing(src: Float32Array, dst: Float32Array, width: number, height: number, r: number): void {
    this.run(src, dst, width, height, r, 'x', 'max');
    this.run(dst, dst, width, height, r, 'y', 'max');
    this.run(dst, dst, width, height, r, 'x', 'min');
    this.run(dst, dst, width, height, r, 'y', 'min');
  }

  /** Filter every row (axis 'x') or column (axis 'y') of src into dst (may alias src). */
  run(src: Float32Array, dst: Float32Array, width: number, height: number, r: number, axis: 'x' | 'y', op: 'min' | 'max'): void {
    if (r <= 0) {
      if (dst !== src) dst.set(src.subarray(0, width * height));
      return;
    }
    const k = 2 * r + 1;
    const len = axis === 'x' ? width : height;
    // Padded index j ↔ sample j − r; blocks of k start at j = 0, so the window of output i is
    // padded [i, i + 2r]: suffix extremum from i, prefix extremum up to i + 2r.
    const total = Math.ceil((len + 2 * r) / k) * k;
    if (axis === 'x') {
      this.ensure(total);
      if (op === 'min') this.rowsMin(src, dst, width, height, r, k, total);
      else this.rowsMax(src, dst, width, height, r, k, total);
    } else {
      this.ensure(total * width);
      if (op === 'min') this.colsMin(src, dst, width, height, r, k, total);
      else this.colsMax(src, dst, width, height, r, k, total);
    }
  }

  /**
   * Rows: a block of the padded row that lies inside the image (all but the first and last few)
   * is read without the bounds test; the extrema are exact, so the order changes nothing.
   */
  private rowsMin(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number): void {
    const { g, hb } = this;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const at = row - r;
      for (let b = 0; b < total; b += k) {
        const e = b + k;
        if (b >= r && e - r <= w) {
          let m = src[at + b];
          g[b] = m;
          for (let j = b + 1; j < e; j++) {
            const v = src[at + j];
            if (v < m) m = v;
            g[j] = m;
          }
          m = src[at + e - 1];
          hb[e - 1] = m;
          for (let j = e - 2; j >= b; j--) {
            const v = src[at + j];
            if (v < m) m = v;
            hb[j] = m;
          }
          continue;
        }
        let m = Infinity;
        for (let j = b; j < e; j++) {
          const s = j - r;
          const v = s >= 0 && s < w ? src[row + s] : Infinity;
          m = v < m ? v : m;
          g[j] = m;
        }
        m = Infinity;
        for (let j = e - 1; j >= b; j--) {
          const s = j - r;
          const v = s >= 0 && s < w ? src[row + s] : Infinity;
          m = v < m ? v : m;
          hb[j] = m;
        }
      }
      for (let i = 0, c = k - 1; i < w; i++, c++) {
        const a = hb[i];
        const z = g[c];
        dst[row + i] = a < z ? a : z;
      }
    }
  }

  private rowsMax(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number): void {
    const { g, hb } = this;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const at = row - r;
      for (let b = 0; b < total; b += k) {
        const e = b + k;
        if (b >= r && e - r <= w) {
          let m = src[at + b];
          g[b] = m;
          for (let j = b + 1; j < e; j++) {
            const v = src[at + j];
            if (v > m) m = v;
            g[j] = m;
          }
          m = src[at + e - 1];
          hb[e - 1] = m;
          for (let j = e - 2; j >= b; j--) {
            const v = src[at + j];
            if (v > m) m = v;
            hb[j] = m;
          }
          continue;
        }
        let m = -Infinity;
        for (let j = b; j < e; j++) {
          const s = j - r;
          const v = s >= 0 && s < w ? src[row + s] : -Infinity;
          m = v > m ? v : m;
          g[j] = m;
        }
        m = -Infinity;
        for (let j = e - 1; j >= b; j--) {
          const s = j - r;
          const v = s >= 0 && s < w ? src[row + s] : -Infinity;
          m = v > m ? v : m;
          hb[j] = m;
        }
      }
      for (let i = 0, c = k - 1; i < w; i++, c++) {
        const a = hb[i];
        const z = g[c];
        dst[row + i] = a > z ? a : z;
      }
    }
  }

  /** Padded row j of g / hb lives at j·w; rows outside the image are the neutral element. */
  private colsMin(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number): void {
    const { g, hb } = this;
    for (let b = 0; b < total; b += k) {
      for (let j = b; j < b + k; j++) {
        const s = j - r;
        const out = j * w;
        if (s < 0 || s >= h) {
          if (j === b) g.fill(Infinity, out, out + w);
          else g.copyWithin(out, out - w, out);
          continue;
        }
        const row = s * w;
        if (j === b) g.set(src.subarray(row, row + w), out);
        else for (let x = 0, p = out - w; x < w; x++) g[out + x] = src[row + x] < g[p + x] ? src[row + x] : g[p + x];
      }
      for (let j = b + k - 1; j >= b; j--) {
        const s = j - r;
        const out = j * w;
        if (s < 0 || s >= h) {
          if (j === b + k - 1) hb.fill(Infinity, out, out + w);
          else hb.copyWithin(out, out + w, out + 2 * w);
          continue;
        }
        const row = s * w;
        if (j === b + k - 1) hb.set(src.subarray(row, row + w), out);
        else for (let x = 0, p = out + w; x < w; x++) hb[out + x] = src[row + x] < hb[p + x] ? src[row + x] : hb[p + x];
      }
    }
    for (let y = 0; y < h; y++) {
      const a = y * w;
      const c = (y + k - 1) * w;
      const row = y * w;
      for (let x = 0; x < w; x++) dst[row + x] = hb[a + x] < g[c + x] ? hb[a + x] : g[c + x];
    }
  }

  private colsMax(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number): void {
    const { g, hb } = this;
    for (let b = 0; b < total; b += k) {
      for (let j = b; j < b + k; j++) {
        const s = j - r;
        const out = j * w;
        if (s < 0 || s >= h) {
          if (j === b) g.fill(-Infinity, out, out + w);
          else g.copyWithin(out, out - w, out);
          continue;
        }
        const row = s * w;
        if (j === b) g.set(src.subarray(row, row + w), out);
        else for (let x = 0, p = out - w; x < w; x++) g[out + x] = src[row + x] > g[p + x] ? src[row + x] : g[p + x];
      }
      for (let j = b + k - 1; j >= b; j--) {
        const s = j - r;
        const out = j * w;
        if (s < 0 || s >= h) {
          if (j === b + k - 1) hb.fill(-Infinity, out, out + w);
          else hb.copyWithin(out, out + w, out + 2 * w);
          continue;
        }
        const row = s * w;
        if (j === b + k - 1) hb.set(src.subarray(row, row + w), out);
        else for (let x = 0, p = out + w; x < w; x++) hb[out + x] = src[row + x] > hb[p + x] ? src[row + x] : hb[p + x];
      }
    }
    for (let y = 0; y < h; y++) {
      const a = y * w;
      const c = (y + k - 1) * w;
      const row = y * w;
      for (let x = 0; x < w; x++) dst[row + x] = hb[a + x] > g[c + x] ? hb[a + x] : g[c + x];
    }
  }
}
