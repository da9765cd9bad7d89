import { rgbRaster, type RgbRaster } from '../../image/raster.js';

/**
 * OpenSlide's premultiplied ARGB (one native-endian uint32 per pixel, 0xAARRGGBB) composited over
 * white, as the builtin reader flattens alpha: pixels outside the scanned area (MRXS gaps, SCN
 * margins, Philips sparse tiles) are transparent and become glass, never black tissue.
 * Premultiplied means c is already c·a, so over white the result is c + (255 − a).
 */
export function argbOverWhite(argb: Uint32Array, width: number, height: number): RgbRaster {
  if (argb.length !== width * height) throw new RangeError(`argbOverWhite: ${argb.length} pixels for ${width}×${height}`);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < argb.length; i++, o += 3) {
    const p = argb[i];
    const white = 255 - (p >>> 24);
    out[o] = ((p >>> 16) & 0xff) + white;
    out[o + 1] = ((p >>> 8) & 0xff) + white;
    out[o + 2] = (p & 0xff) + white;
  }
  return rgbRaster(width, height, out);
}
