import sharp from 'sharp';
import { rgbRaster, type RgbRaster } from '../image/raster.js';
import { finestSufficientLevel } from './choose-level.js';
import type { SlideLevel } from './types.js';

/** Every backend's readRegion contract: integer rectangle, at least 1×1, inside the level. */
export function checkRegionInside(path: string, l: SlideLevel, x: number, y: number, width: number, height: number): void {
  const ints = [x, y, width, height].every(Number.isInteger);
  if (!ints || x < 0 || y < 0 || width < 1 || height < 1 || x + width > l.width || y + height > l.height) {
    throw new RangeError(`${path}: region (${x}, ${y}) ${width}×${height} is not inside level ${l.index} (${l.width}×${l.height})`);
  }
}

/** Resize an RGB raster with libvips (the kernel the builtin reader's thumbnails use), for backends that read pixels themselves. */
export async function scaleRaster(src: RgbRaster, width: number, height: number): Promise<RgbRaster> {
  if (src.width === width && src.height === height) return src;
  const { data, info } = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`scaleRaster: libvips returned ${info.channels} channels`);
  return rgbRaster(width, height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}

/**
 * Every backend's thumbnail: the coarsest level still at least as fine as `mpp`, scaled to it
 * (never upsampled: a target finer than level 0 gets level 0 as is).
 */
export function thumbnailTarget<L extends SlideLevel>(path: string, levels: L[], mpp: number): { level: L; width: number; height: number } {
  if (!(mpp > 0) || !Number.isFinite(mpp)) throw new RangeError(`${path}: thumbnail µm/px must be a positive number, got ${mpp}`);
  const level = levels[finestSufficientLevel(levels, mpp)];
  const scale = Math.min(1, level.mpp / mpp);
  return { level, width: Math.max(1, Math.round(level.width * scale)), height: Math.max(1, Math.round(level.height * scale)) };
}
