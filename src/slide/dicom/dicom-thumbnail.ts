import sharp from 'sharp';
import { rgbRaster, type RgbRaster } from '../../image/raster.js';

/** Reads a horizontal band [y, y+height) of a level, full width. */
export type ReadBand = (y: number, height: number) => Promise<RgbRaster>;

/**
 * Levels up to this size are decoded whole and resized by libvips (lanczos3, as the TIFF reader's
 * thumbnails are), so a DICOM slide and the same pixels as TIFF get the same thumbnail and tissue
 * mask. 64 MP is 192 MB of RGB for a moment; beyond it the level is averaged band by band, so
 * memory stays flat whatever the level's size.
 */
export const WHOLE_LEVEL_THUMBNAIL_PIXELS = 64e6;

/** The level (width × height) scaled to outW × outH (never larger), reading it in bands of `bandHeight` rows. */
export async function scaledLevel(width: number, height: number, outW: number, outH: number, bandHeight: number, readBand: ReadBand, wholeLevelPixels = WHOLE_LEVEL_THUMBNAIL_PIXELS): Promise<RgbRaster> {
  if (width * height <= wholeLevelPixels) {
    const whole = await readBand(0, height);
    if (outW === width && outH === height) return whole;
    const { data } = await sharp(whole.data, { raw: { width, height, channels: 3 } }).resize(outW, outH, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    return rgbRaster(outW, outH, new Uint8Array(data.buffer, data.byteOffset, data.length));
  }
  // area average: each level pixel adds to the output pixel it falls in
  const sums = new Float64Array(outW * outH * 3);
  const counts = new Uint32Array(outW * outH);
  const colOf = Int32Array.from({ length: width }, (_, x) => Math.min(outW - 1, Math.floor((x * outW) / width)));
  for (let y0 = 0; y0 < height; y0 += bandHeight) {
    const band = await readBand(y0, Math.min(bandHeight, height - y0));
    for (let r = 0; r < band.height; r++) {
      const oy = Math.min(outH - 1, Math.floor(((y0 + r) * outH) / height));
      for (let x = 0; x < width; x++) {
        const o = oy * outW + colOf[x];
        const i = (r * width + x) * 3;
        sums[3 * o] += band.data[i];
        sums[3 * o + 1] += band.data[i + 1];
        sums[3 * o + 2] += band.data[i + 2];
        counts[o] += 1;
      }
    }
  }
  const out = rgbRaster(outW, outH);
  for (let o = 0; o < counts.length; o++) for (let c = 0; c < 3; c++) out.data[3 * o + c] = Math.round(sums[3 * o + c] / counts[o]);
  return out;
}
