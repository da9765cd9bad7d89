import { rgbRaster, type RgbRaster } from './raster.js';

/** Copy [x, x+w) × [y, y+h) out of an RGB raster (row by row, no per-pixel work). */
export function cropRgb(src: RgbRaster, x: number, y: number, width: number, height: number): RgbRaster {
  const out = rgbRaster(width, height);
  const rowBytes = width * 3;
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * src.width + x) * 3;
    out.data.set(src.data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return out;
}
