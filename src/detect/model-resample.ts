/**
 * Bilinear resampling of a single-channel plane to another size, pixel centres aligned
 * (pixel x of the output samples the input at (x + 0.5)·w/W − 0.5, clamped at the borders).
 * Used to bring a plane to the pixel size a model was trained at, and its output back.
 */
export function resampleBilinear(src: Float32Array, w: number, h: number, W: number, H: number, out: Float32Array<ArrayBuffer> = new Float32Array(W * H)): Float32Array<ArrayBuffer> {
  const sx = w / W;
  const sy = h / H;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = y0 < h - 1 ? y0 + 1 : y0;
    const ty = fy - y0;
    for (let x = 0, o = y * W; x < W; x++, o++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = x0 < w - 1 ? x0 + 1 : x0;
      const tx = fx - x0;
      const top = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx;
      const bottom = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx;
      out[o] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}
