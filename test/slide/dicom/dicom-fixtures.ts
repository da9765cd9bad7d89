import sharp from 'sharp';
import { cropRgb } from '../../../src/image/crop.js';
import type { RgbRaster } from '../../../src/image/raster.js';

/** Largest and mean absolute difference between a region read at (x, y) and the raster that was written. */
export function diffToWritten(region: RgbRaster, written: RgbRaster, x: number, y: number): { max: number; mean: number } {
  const want = cropRgb(written, x, y, region.width, region.height);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(want.data[i] - region.data[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / want.data.length };
}

/** The raster resized as the TIFF reader's thumbnails are (libvips lanczos3, fill). */
export async function resized(r: RgbRaster, width: number, height: number): Promise<RgbRaster> {
  const data = await sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } }).resize(width, height, { fit: 'fill' }).raw().toBuffer();
  return { width, height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
