import type { SlideFormat } from '../domain/slide.js';
import type { RgbRaster } from '../image/raster.js';

export interface SlideLevel {
  index: number;
  width: number;
  height: number;
  /** µm per pixel at this level */
  mpp: number;
  /** level-0 pixels per pixel of this level */
  downsample: number;
}

/** An opened slide. Reads regions without decoding whole levels. */
export interface Slide {
  path: string;
  format: SlideFormat;
  /** level 0 first, then decreasing resolution */
  levels: SlideLevel[];
  /** where the pixel size came from */
  mppSource: 'file' | 'metadata';
  /** read an RGB region of a level, in that level's pixels; the rectangle must lie inside the level */
  readRegion(level: number, x: number, y: number, width: number, height: number): Promise<RgbRaster>;
  /** the whole slide scaled to roughly `mpp` µm/px (for the tissue mask); streams, never decodes level 0 whole */
  readThumbnail(mpp: number): Promise<{ raster: RgbRaster; mpp: number }>;
  close(): Promise<void>;
}
