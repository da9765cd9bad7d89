import { wasmMinMax, type WasmMinMax } from './wasm/blur-wasm.js';
/**
 * Running min / max over a window of 2r+1 samples along rows or columns, van Herk / Gil-Werman:
 * block-wise prefix and suffix extrema give each window in O(1) whatever r (≈3 comparisons per
 * sample). Samples outside the image are ignored (padding with the neutral element), so the
 * filter never invents values at the border.
 */
export class MinMaxFilter {
  private g = new Float32Array(0);
  private hb = new Float32Array(0);
  private colBuf = new Float32Array(0);

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
      // the prefix and suffix rows in wasm memory, so each row's combine is one SIMD call (cols: why)
      const mm = wasmMinMax(width * height, 2 * total + width);
      const bufs = mm ? { g: mm.f.subarray(0, total), hb: mm.f.subarray(total, 2 * total), combine: (row: number) => combineRow(mm, dst, row, width, k, total, op === 'max') } : { g: this.g, hb: this.hb, combine: null };
      if (op === 'min') this.rowsMin(src, dst, width, height, r, k, total, bufs);
      else this.rowsMax(src, dst, width, height, r, k, total, bufs);
    } else this.cols(src, dst, width, height, r, k, total, op === 'max');
  }

  /**
   * Rows: a block of the padded row that lies inside the image (all but the first and last few)
   * is read without the bounds test; the extrema are exact, so the order changes nothing.
   */
  private rowsMin(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number, bufs: RowBuffers): void {
    const { g, hb, combine } = bufs;
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
      if (combine) {
        combine(row);
        continue;
      }
      for (let i = 0, c = k - 1; i < w; i++, c++) {
        const a = hb[i];
        const z = g[c];
        dst[row + i] = a < z ? a : z;
      }
    }
  }

  private rowsMax(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number, bufs: RowBuffers): void {
    const { g, hb, combine } = bufs;
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
      if (combine) {
        combine(row);
        continue;
      }
      for (let i = 0, c = k - 1; i < w; i++, c++) {
        const a = hb[i];
        const z = g[c];
        dst[row + i] = a > z ? a : z;
      }
    }
  }

  /**
   * Columns, a whole row at a time so memory is read in order: the source, the prefix (g) and
   * suffix (hb) planes and the output lie in one float buffer (padded row j of g / hb at j·w; rows
   * outside the image are the neutral element), and each row of a pass is one call of a row
   * min/max. In the thread's wasm memory that call is SIMD (f32x4.pmin / pmax): a data-dependent
   * ternary per sample is a branch the CPU mispredicts half the time, and pmin / pmax compare as
   * the ternary does. Without wasm the same rows run as JavaScript ternaries in this filter's
   * own buffer, in the same order, so both give the same bits.
   */
  private cols(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, k: number, total: number, max: boolean): void {
    const n = w * h;
    const S = 0;
    const G = n;
    const H = G + total * w;
    const D = H + total * w;
    const mm = wasmMinMax(n, D + n) ?? this.jsRows(D + n);
    const { f } = mm;
    const neutral = max ? -Infinity : Infinity;
    f.set(src.subarray(0, n), S);
    for (let b = 0; b < total; b += k) {
      for (let j = b; j < b + k; j++) {
        const s = j - r;
        const out = G + j * w;
        if (s < 0 || s >= h) {
          if (j === b) f.fill(neutral, out, out + w);
          else f.copyWithin(out, out - w, out);
        } else if (j === b) f.copyWithin(out, S + s * w, S + s * w + w);
        else mm.row(out, out - w, S + s * w, w, max);
      }
      for (let j = b + k - 1; j >= b; j--) {
        const s = j - r;
        const out = H + j * w;
        if (s < 0 || s >= h) {
          if (j === b + k - 1) f.fill(neutral, out, out + w);
          else f.copyWithin(out, out + w, out + 2 * w);
        } else if (j === b + k - 1) f.copyWithin(out, S + s * w, S + s * w + w);
        else mm.row(out, out + w, S + s * w, w, max);
      }
    }
    // output row y: hb of padded row y against g of padded row y + 2r, for every row at once
    mm.row(D, G + (k - 1) * w, H, n, max);
    dst.set(f.subarray(D, D + n));
  }

  /** The column pass's buffer and row min/max where there is no wasm: the JavaScript ternaries. */
  private jsRows(floats: number): WasmMinMax {
    if (this.colBuf.length < floats) this.colBuf = new Float32Array(floats);
    const f = this.colBuf;
    return {
      f,
      row: (d, a, b, n, max) => {
        if (max) {
          for (let i = 0; i < n; i++) {
            const x = f[a + i];
            const y = f[b + i];
            f[d + i] = y > x ? y : x;
          }
        } else {
          for (let i = 0; i < n; i++) {
            const x = f[a + i];
            const y = f[b + i];
            f[d + i] = y < x ? y : x;
          }
        }
      },
    };
  }
}

/** A row pass's prefix (g) and suffix (hb) buffers, and, when they lie in wasm memory, the SIMD combine of one output row. */
interface RowBuffers {
  g: Float32Array;
  hb: Float32Array;
  combine: ((row: number) => void) | null;
}

/** dst's row at `row` = pmin / pmax of g[i + 2r] and hb[i] (the rows' ternaries), g and hb at floats 0 and total of the wasm memory. */
function combineRow(mm: WasmMinMax, dst: Float32Array, row: number, w: number, k: number, total: number, max: boolean): void {
  const out = 2 * total;
  mm.row(out, k - 1, total, w, max);
  dst.set(mm.f.subarray(out, out + w), row);
}
