import { MetadataError, SlideFormatError } from '../../errors/index.js';
import type { SlideFormat } from '../../domain/slide.js';
import type { RgbRaster } from '../../image/raster.js';
import { MAX_TILED_LEVEL_PIXELS, describePixels } from '../limits.js';
import { checkRegionInside, scaleRaster, thumbnailTarget } from '../region-checks.js';
import type { Slide, SlideLevel } from '../types.js';
import { argbOverWhite } from './argb.js';
import { boxAverageBands } from '../box-average.js';
import { OpenSlideMissingError, openSlideLibrary, type OpenSlideHandle, type OpenSlideLibrary } from './library.js';
import { vendorOf } from './vendor.js';

export interface OpenSlideBackendMeta {
  /** µm/px at level 0, used only when the file states none */
  mpp?: number;
}

/** OpenSlide vendor ids (openslide_detect_vendor, 3.4.1) and the SlideFormat each is; `tiff` splits on the container. */
const FORMAT_OF_VENDOR: Record<string, SlideFormat | ((isTiff: boolean) => SlideFormat)> = {
  hamamatsu: (isTiff) => (isTiff ? 'ndpi' : 'vms'),
  mirax: 'mrxs',
  leica: 'scn',
  ventana: 'bif',
  philips: 'philips-tiff',
  aperio: 'svs',
  'generic-tiff': 'tiff',
};

/**
 * Properties that carry what the slide label shows (barcodes encode the case or patient number):
 * left out like the label's pixels.
 */
const LABEL_TEXT_PROPERTY = /barcode/i;

/**
 * Region reads above this many pixels are split into horizontal bands, each its own worker-thread
 * call: the ARGB buffer of one call stays ≤ 64 MiB and no single C call blocks a libuv thread for long.
 */
const MAX_PIXELS_PER_CALL = 16 * 1024 * 1024;

/** Above this a thumbnail's source level is box-averaged band by band instead of handed to libvips whole (memory stays flat). */
const MAX_WHOLE_THUMBNAIL_SOURCE = 64 * 1024 * 1024;

function positive(v: string | null | undefined): number | undefined {
  const n = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** coarser than this is not a microscope image (SlideMetadata.mpp and the builtin reader have the same bound) */
const MAX_PLAUSIBLE_MPP = 100;

function plausibleMpp(v: string | undefined): number | undefined {
  const n = positive(v);
  return n !== undefined && n <= MAX_PLAUSIBLE_MPP ? n : undefined;
}

function openHandle(lib: OpenSlideLibrary, path: string): OpenSlideHandle {
  const osr = lib.open(path);
  if (osr === null) throw new SlideFormatError(`${path}: OpenSlide does not recognise this file as a slide`);
  const error = lib.getError(osr);
  if (error !== null) {
    lib.close(osr);
    throw new SlideFormatError(`${path}: OpenSlide cannot open the slide: ${error}`);
  }
  return osr;
}

/**
 * Open a slide through libopenslide (NDPI, MRXS, SCN, BIF, Philips TIFF, VMS). Levels, µm/px and
 * vendor metadata come from OpenSlide's properties; regions are read on a worker thread and
 * composited over white. Associated images are listed by name and never read.
 */
export async function openWithOpenSlide(path: string, meta: OpenSlideBackendMeta, target: { format: SlideFormat; isTiff: boolean }): Promise<Slide> {
  const { isTiff } = target;
  let lib: OpenSlideLibrary;
  try {
    lib = openSlideLibrary();
  } catch (err) {
    if (!(err instanceof OpenSlideMissingError)) throw err;
    throw new OpenSlideMissingError(`${path}: this ${target.format.toUpperCase()} slide is read through OpenSlide, but ${err.message}`, { cause: err });
  }
  const vendorId = lib.detectVendor(path);
  if (vendorId === null) {
    // our sniff saw the vendor's marks, OpenSlide's parser could not walk the file
    throw new SlideFormatError(`${path}: the file carries ${target.format.toUpperCase()} marks but OpenSlide cannot parse it: it is truncated or corrupt`);
  }
  const formatOf = FORMAT_OF_VENDOR[vendorId];
  if (formatOf === undefined) {
    throw new SlideFormatError(`${path}: OpenSlide reports vendor ${JSON.stringify(vendorId)}, a format this program does not accept`);
  }
  const format = typeof formatOf === 'function' ? formatOf(isTiff) : formatOf;
  if (vendorId === 'generic-tiff' && target.format !== 'tiff') {
    // OpenSlide would read page 0 as the slide: for SCN that is the macro photograph, label and all
    throw new SlideFormatError(`${path}: the file carries ${target.format.toUpperCase()} marks but OpenSlide cannot read its ${target.format.toUpperCase()} metadata (it would fall back to a generic TIFF); the file is corrupt`);
  }
  const osr = openHandle(lib, path);
  try {
    const properties: Record<string, string> = {};
    for (const name of lib.propertyNames(osr)) {
      if (LABEL_TEXT_PROPERTY.test(name)) continue;
      const value = lib.propertyValue(osr, name);
      if (value !== null) properties[name] = value;
    }
    const statedMpp = properties['openslide.mpp-x'];
    const fileMpp = plausibleMpp(statedMpp);
    const mpp0 = fileMpp ?? meta.mpp;
    if (mpp0 === undefined) {
      if (statedMpp !== undefined) throw new MetadataError(`${path}: the file's pixel size (openslide.mpp-x = ${statedMpp.slice(0, 40)}) is not a valid µm/px; supply µm/px (mpp) in the slide metadata`);
      throw new MetadataError(`${path}: the file states no pixel size; supply µm/px (mpp) in the slide metadata`);
    }
    const count = lib.levelCount(osr);
    if (!(count > 0)) throw new SlideFormatError(`${path}: OpenSlide finds no pyramid levels`);
    const levels: SlideLevel[] = [];
    for (let index = 0; index < count; index++) {
      const { width, height } = lib.levelDimensions(osr, index);
      const downsample = lib.levelDownsample(osr, index);
      if (!(width > 0 && height > 0 && downsample >= 1)) throw new SlideFormatError(`${path}: OpenSlide reports level ${index} as ${width}×${height}, downsample ${downsample}`);
      if (width * height > MAX_TILED_LEVEL_PIXELS) {
        throw new SlideFormatError(`${path}: level ${index} declares ${width} × ${height} pixels (${describePixels(width * height)}), over the limit of ${describePixels(MAX_TILED_LEVEL_PIXELS)}`);
      }
      levels.push({ index, width, height, mpp: mpp0 * downsample, downsample });
    }
    const associatedImages = lib.associatedImageNames(osr);
    return slideOver(lib, osr, {
      path,
      format,
      backend: 'openslide',
      vendor: vendorOf(vendorId, properties),
      objectivePower: positive(properties['openslide.objective-power']),
      associatedImages,
      properties,
      levels,
      mppSource: fileMpp !== undefined ? 'file' : 'metadata',
    });
  } catch (err) {
    lib.close(osr);
    throw err;
  }
}

type SlideFacts = Omit<Slide, 'readRegion' | 'readThumbnail' | 'close'>;

function slideOver(lib: OpenSlideLibrary, osr: OpenSlideHandle, facts: SlideFacts): Slide {
  const { path, levels } = facts;
  let closed = false;
  let pending = 0;
  let closeWhenIdle: (() => void) | undefined;
  const level = (i: number): SlideLevel => {
    if (closed) throw new Error(`${path}: slide is closed`);
    const l = levels[i];
    if (!Number.isInteger(i) || !l) throw new RangeError(`${path}: level ${i} does not exist (the slide has ${levels.length})`);
    return l;
  };

  /** one band, level pixels; OpenSlide takes the top-left corner in level-0 pixels */
  const readBand = async (l: SlideLevel, x: number, y: number, width: number, height: number): Promise<RgbRaster> => {
    const argb = new Uint32Array(width * height);
    pending++;
    try {
      await lib.readRegion(osr, argb, Math.round(x * l.downsample), Math.round(y * l.downsample), l.index, width, height);
    } finally {
      // close() frees the handle in a later microtask, so the error check below still sees it
      if (--pending === 0) closeWhenIdle?.();
    }
    // a failed read leaves the handle in error; the message says why (corrupt tile, missing data file)
    const error = lib.getError(osr);
    if (error !== null) throw new SlideFormatError(`${path}: cannot read level ${l.index} region at (${x}, ${y}) size ${width}×${height}: ${error}`);
    return argbOverWhite(argb, width, height);
  };

  const readRegion = async (i: number, x: number, y: number, width: number, height: number): Promise<RgbRaster> => {
    const l = level(i);
    checkRegionInside(path, l, x, y, width, height);
    const bandRows = Math.max(1, Math.floor(MAX_PIXELS_PER_CALL / width));
    if (bandRows >= height) return readBand(l, x, y, width, height);
    const out = new Uint8Array(width * height * 3);
    for (let top = 0; top < height; top += bandRows) {
      const band = await readBand(l, x, y + top, width, Math.min(bandRows, height - top));
      out.set(band.data, top * width * 3);
    }
    return { width, height, channels: 3, data: out };
  };

  return {
    ...facts,
    readRegion,

    async readThumbnail(mpp: number): Promise<{ raster: RgbRaster; mpp: number }> {
      const { level: target, width, height } = thumbnailTarget(path, levels, mpp);
      const l = level(target.index);
      const raster =
        l.width * l.height <= MAX_WHOLE_THUMBNAIL_SOURCE
          ? await scaleRaster(await readRegion(l.index, 0, 0, l.width, l.height), width, height)
          : await boxAverageBands(l, width, height, Math.max(1, Math.floor(MAX_PIXELS_PER_CALL / l.width)), (y, rows) => readRegion(l.index, 0, y, l.width, rows));
      return { raster, mpp: (l.mpp * l.width) / width };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // a read still running on a worker thread must finish before the handle is freed
      if (pending > 0) await new Promise<void>((resolve) => (closeWhenIdle = resolve));
      lib.close(osr);
    },
  };
}
