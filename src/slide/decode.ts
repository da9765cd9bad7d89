import { statSync } from 'node:fs';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { SlideFormatError } from '../errors/index.js';
import { rgbRaster, type RgbRaster } from '../image/raster.js';

/**
 * libvips decode of one page to 8-bit sRGB. Alpha is flattened onto white (transparent = glass, not
 * tissue), grey and 16-bit inputs are converted, so analysis only ever sees 8-bit RGB.
 * Our own size limits are checked before we get here, hence limitInputPixels: false.
 */
/** Which image of the file: a top-level page, optionally one of its SubIFDs (OME-TIFF pyramids). */
export interface PageRef {
  page?: number;
  subifd?: number;
}

const seenFiles = new Map<string, string>();

/**
 * libvips caches decoders by file name, so a file replaced at the same path (a re-exported slide,
 * a long-lived service worker) would be read through the old file's header: offsets into bytes
 * that moved. When a path's size or mtime changes, the cache is dropped (cache(false) empties it,
 * cache(true) restores sharp's defaults).
 */
function dropCacheIfReplaced(path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  const signature = st ? `${st.mtimeMs}:${st.size}` : '';
  const before = seenFiles.get(path);
  if (before !== undefined && before !== signature) {
    sharp.cache(false);
    sharp.cache(true);
  }
  seenFiles.set(path, signature);
}

function source(path: string, ref: PageRef, sequentialRead: boolean): Sharp {
  dropCacheIfReplaced(path);
  return sharp(path, { page: ref.page, subifd: ref.subifd, limitInputPixels: false, sequentialRead, failOn: 'warning' });
}

async function toRgb(pipeline: Sharp, width: number, height: number): Promise<RgbRaster> {
  const { data, info } = await pipeline
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`decoder returned ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`);
  }
  return rgbRaster(width, height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}

function decodeError(path: string, what: string, err: unknown): SlideFormatError {
  return new SlideFormatError(`${path}: cannot decode ${what}: the file is truncated or corrupt`, { cause: err });
}

/** Random-access region read: libvips only decodes the tiles (or strips) the rectangle touches. */
export async function decodeRegion(
  path: string,
  ref: PageRef,
  levelLabel: string,
  x: number,
  y: number,
  width: number,
  height: number,
): Promise<RgbRaster> {
  try {
    return await toRgb(source(path, ref, false).extract({ left: x, top: y, width, height }), width, height);
  } catch (err) {
    throw decodeError(path, `${levelLabel} region at (${x}, ${y}) size ${width}×${height}`, err);
  }
}

/** The whole page resized to width × height; libvips streams it (and shrinks JPEG on load). */
export async function decodeScaled(path: string, ref: PageRef, levelLabel: string, width: number, height: number): Promise<RgbRaster> {
  try {
    return await toRgb(source(path, ref, true).resize(width, height, { fit: 'fill' }), width, height);
  } catch (err) {
    throw decodeError(path, `${levelLabel} for a thumbnail`, err);
  }
}

/** Header-only check that libvips reads the page and agrees on its size; returns libvips' header. */
export async function checkDecodable(path: string, ref: PageRef, width: number, height: number): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await source(path, ref, true).metadata();
  } catch (err) {
    throw new SlideFormatError(`${path}: the image decoder cannot read this file: it is truncated, corrupt or uses an unsupported encoding`, { cause: err });
  }
  if (meta.width !== width || meta.height !== height) {
    throw new SlideFormatError(`${path}: the decoder sees ${meta.width}×${meta.height} pixels but the header declares ${width}×${height}; the file is corrupt`);
  }
  return meta;
}
