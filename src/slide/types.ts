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

/** Which reader opened a slide: the same Slide shape from each (issue 11). */
export type SlideBackend = 'builtin' | 'openslide' | 'dicom';

/** An opened slide. Reads regions without decoding whole levels. */
export interface Slide {
  /** the file, or the folder / first file of a multi-file slide (MRXS, DICOM series) */
  path: string;
  /**
   * Every file whose bytes make up the slide, in a fixed order, when that is more than `path`
   * (MRXS: the .mrxs, Slidedat.ini, Index.dat and data files): the store identifies a slide by
   * their content. Absent for one-file slides.
   */
  contentFiles?: string[];
  format: SlideFormat;
  backend: SlideBackend;
  /** scanner vendor and model where the file names them (e.g. 'Hamamatsu', 'Aperio') */
  vendor?: string;
  /** objective power the slide was scanned at, where the file states it */
  objectivePower?: number;
  /**
   * Names of associated images (label, macro, thumbnail) the file holds. Names only: their pixels
   * often show the patient's name or hospital number and are never read, served, exported or stored.
   */
  associatedImages: string[];
  /** vendor metadata as key/value text (OpenSlide properties, DICOM attributes); never label/macro pixels */
  properties: Record<string, string>;
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
