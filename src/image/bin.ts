/**
 * Binning of single-band planes by a whole factor: output pixel (x, y) covers input pixels
 * [x·bin, (x+1)·bin) × [y·bin, (y+1)·bin), the last row and column holding what is left.
 */

/** Mean of each bin × bin square. */
export function binPlane(src: Float32Array, w: number, h: number, bin: number): Float32Array<ArrayBuffer> {
  const bw = Math.ceil(w / bin);
  const bh = Math.ceil(h / bin);
  const out = new Float32Array(bw * bh);
  const sum = new Float64Array(bw);
  for (let by = 0; by < bh; by++) {
    sum.fill(0);
    const y0 = by * bin;
    const y1 = Math.min(h, y0 + bin);
    // each square's pixels added row by row in x order, as a per-pixel sum[(x / bin) | 0] += src[i]
    // adds them (the same bits), without a division per pixel: two full-size planes of every
    // muscle tile are binned
    const whole = Math.floor(w / bin);
    for (let y = y0; y < y1; y++) {
      let i = y * w;
      if (bin === 2) {
        for (let bx = 0; bx < whole; bx++, i += 2) sum[bx] = sum[bx] + src[i] + src[i + 1];
      } else {
        for (let bx = 0; bx < whole; bx++) {
          let s = sum[bx];
          for (let e = i + bin; i < e; i++) s += src[i];
          sum[bx] = s;
        }
      }
      for (let x = whole * bin; x < w; x++, i++) sum[whole] += src[i];
    }
    for (let bx = 0; bx < bw; bx++) out[by * bw + bx] = sum[bx] / ((y1 - y0) * (Math.min(w, (bx + 1) * bin) - bx * bin));
  }
  return out;
}

/**
 * 1 where at least half of the square's pixels are set (0/1 masks): the binned mean at ≥ ½,
 * counted in integers (through binPlane on a float copy it cost 13× as long: 32 ms per MP).
 */
export function binMask(src: Uint8Array, w: number, h: number, bin: number): Uint8Array {
  const bw = Math.ceil(w / bin);
  const bh = Math.ceil(h / bin);
  const out = new Uint8Array(bw * bh);
  const count = new Int32Array(bw);
  for (let by = 0; by < bh; by++) {
    count.fill(0);
    const y0 = by * bin;
    const y1 = Math.min(h, y0 + bin);
    for (let y = y0; y < y1; y++) for (let x = 0, i = y * w; x < w; x++, i++) if (src[i] !== 0) count[(x / bin) | 0]++;
    for (let bx = 0; bx < bw; bx++) out[by * bw + bx] = 2 * count[bx] >= (y1 - y0) * (Math.min(w, (bx + 1) * bin) - bx * bin) ? 1 : 0;
  }
  return out;
}
