import type { RgbRaster } from '../image/raster.js';

/**
 * Area average of a level too big to hold whole into width × height, reading it band by band:
 * each source pixel adds to the output pixel its centre falls in.
 */
export async function boxAverageBands(
  l: { width: number; height: number },
  width: number,
  height: number,
  bandRows: number,
  band: (y: number, rows: number) => Promise<RgbRaster>,
): Promise<RgbRaster> {
  const sums = new Float64Array(width * height * 3);
  const counts = new Float64Array(width * height);
  const colOf = new Int32Array(l.width);
  for (let x = 0; x < l.width; x++) colOf[x] = Math.min(width - 1, Math.floor(((x + 0.5) * width) / l.width));
  for (let top = 0; top < l.height; top += bandRows) {
    const r = await band(top, Math.min(bandRows, l.height - top));
    for (let y = 0; y < r.height; y++) {
      const oy = Math.min(height - 1, Math.floor(((top + y + 0.5) * height) / l.height));
      for (let x = 0; x < l.width; x++) {
        const o = oy * width + colOf[x];
        const s = (y * l.width + x) * 3;
        sums[o * 3] += r.data[s];
        sums[o * 3 + 1] += r.data[s + 1];
        sums[o * 3 + 2] += r.data[s + 2];
        counts[o]++;
      }
    }
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < counts.length; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(sums[i * 3 + c] / Math.max(1, counts[i]));
  return { width, height, channels: 3, data };
}
