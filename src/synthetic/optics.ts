/**
 * Optics shared by the clean and the realistic render paths: a truncated Gaussian kernel, the
 * horizontal blur pass and 8-bit quantisation.
 */

export function gaussianKernel(sigma: number, radius: number): Float64Array {
  const k = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    k[0] = 1;
    return k;
  }
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    k[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
    sum += k[i + radius];
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * Horizontal pass over the full padded rows; columns within `radius` of the edge are never read
 * back. `only` limits it to the rows flagged in `rows` and the columns x0..x1 (inclusive).
 */
export function blurRows(src: Float32Array, dst: Float32Array, W: number, H: number, k: Float64Array, only?: { rows: Uint8Array; x0: number; x1: number }): void {
  const r = (k.length - 1) / 2;
  const xa = only ? Math.max(r, only.x0) : r;
  const xb = only ? Math.min(W - r - 1, only.x1) : W - r - 1;
  for (let y = 0; y < H; y++) {
    if (only && !only.rows[y]) continue;
    const row = y * W;
    for (let x = xa; x <= xb; x++) {
      let acc = 0;
      const base = row + x - r;
      for (let i = 0; i < k.length; i++) acc += k[i] * src[base + i];
      dst[row + x] = acc;
    }
  }
}

export function quantise(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}
