import { gaussianBlur, gaussianBlurWindow, gaussianKernel } from './gaussian.js';
import { floatPlane } from './raster.js';

/** block side, px, of the bounds pass */
const BLOCK = 16;
/**
 * Past this share of blocks to blur, the whole plane is blurred at once (the windows' margins
 * and copies then cost more than they spare).
 */
const WHOLE_SHARE = 0.5;
/**
 * How far every value of a window must clear the threshold for its blur to clear it too: the
 * float32 kernel sums to 1 within ~1e-7 and the passes round to float32, a relative error of a
 * few 1e-6 on nonnegative values; 1e-4 is far outside it.
 */
const MARGIN = 1e-4;

/**
 * 1 where gaussianBlur(src, sigmaPx) ≥ t, else 0, for a nonnegative plane (optical density) and
 * t > 0: the same bits as thresholding the whole blur, which is computed only near pixels whose
 * blur could fall on either side. A blurred value is a weighted mean of the values within the
 * kernel's radius, so where they all lie clear above t (or below it) so does the mean: a muscle
 * tile's tissue and lumen masks need the blur only round the glass (issue 13: two full-tile
 * blurs and their planes per tile).
 */
export function blurThreshold(src: Float32Array<ArrayBuffer>, w: number, h: number, sigmaPx: number, t: number, out = new Uint8Array(w * h)): Uint8Array {
  if (!(t > 0)) throw new RangeError(`blurThreshold needs a positive threshold, got ${t}`);
  const n = w * h;
  const r = (gaussianKernel(sigmaPx).length - 1) >> 1;
  const cols = Math.ceil(w / BLOCK);
  const rows = Math.ceil(h / BLOCK);
  const lo = new Float32Array(cols * rows).fill(Infinity);
  const hi = new Float32Array(cols * rows).fill(-Infinity);
  for (let y = 0; y < h; y++) {
    const brow = ((y / BLOCK) | 0) * cols;
    for (let bx = 0; bx < cols; bx++) {
      let mn = lo[brow + bx];
      let mx = hi[brow + bx];
      for (let x = bx * BLOCK, i = y * w + x, end = y * w + Math.min(w, x + BLOCK); i < end; i++) {
        const v = src[i];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo[brow + bx] = mn;
      hi[brow + bx] = mx;
    }
  }
  // a block's pixels read the blocks within r of it: the neighbouring ring while r ≤ BLOCK
  const reach = Math.ceil(r / BLOCK);
  const above = t * (1 + MARGIN);
  const below = t * (1 - MARGIN);
  const state = new Uint8Array(cols * rows); // 0 unsure, 1 surely ≥ t, 2 surely < t
  let unsure = 0;
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < cols; bx++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let yy = Math.max(0, by - reach); yy <= Math.min(rows - 1, by + reach); yy++) {
        for (let xx = Math.max(0, bx - reach); xx <= Math.min(cols - 1, bx + reach); xx++) {
          mn = Math.min(mn, lo[yy * cols + xx]);
          mx = Math.max(mx, hi[yy * cols + xx]);
        }
      }
      const s = mn >= above ? 1 : mx <= below ? 2 : 0;
      state[by * cols + bx] = s;
      if (s === 0) unsure++;
    }
  }
  if (unsure > WHOLE_SHARE * cols * rows) {
    const blurred = gaussianBlur(floatPlane(w, h, src.length === n ? src : src.subarray(0, n)), sigmaPx).data;
    for (let i = 0; i < n; i++) out[i] = blurred[i] >= t ? 1 : 0;
    return out;
  }
  for (let by = 0; by < rows; by++) {
    const y0 = by * BLOCK;
    const y1 = Math.min(h, y0 + BLOCK);
    for (let bx = 0; bx < cols; ) {
      const s = state[by * cols + bx];
      let end = bx + 1;
      while (end < cols && state[by * cols + end] === s) end++;
      const x0 = bx * BLOCK;
      const x1 = Math.min(w, end * BLOCK);
      if (s !== 0) {
        const v = s === 1 ? 1 : 0;
        for (let y = y0; y < y1; y++) out.fill(v, y * w + x0, y * w + x1);
      } else {
        const win = gaussianBlurWindow({ width: w, height: h, data: src }, sigmaPx, x0, y0, x1, y1);
        for (let y = y0; y < y1; y++) {
          for (let x = x0, j = (y - y0) * win.width, i = y * w + x0; x < x1; x++, i++, j++) out[i] = win.data[j] >= t ? 1 : 0;
        }
      }
      bx = end;
    }
  }
  return out;
}
