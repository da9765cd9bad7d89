import { open, stat } from 'node:fs/promises';
import { MetadataError, SlideFormatError } from '../errors/index.js';
import { aperioMetadata, type AperioMetadata } from './aperio-description.js';
import { checkMetaMpp } from './slide-checks.js';
import type { SlideFormat } from '../domain/slide.js';
import type { RgbRaster } from '../image/raster.js';
import { checkDecodable, decodeRegion, decodeScaled, type PageRef } from './decode.js';
import { readJpegHeader } from './jpeg-header.js';
import { checkJpegTiles, type JpegTileTable } from './jpeg-tile-check.js';
import { MAX_CACHED_FLAT_PIXELS, MAX_FLAT_EXPANSION, MAX_FLAT_PIXELS, describePixels } from './limits.js';
import { cropRgb } from '../image/crop.js';
import { readPngHeader, type FlatHeader } from './png-header.js';
import { mppFromResolution } from './resolution.js';
import { checkRegionInside, thumbnailTarget } from './region-checks.js';
import { sniffFile } from './sniff.js';
import { readTiffStructure } from './tiff-levels.js';
import type { Slide, SlideLevel } from './types.js';

export interface OpenSlideMeta {
  /** µm/px at level 0, used only when the file states none */
  mpp?: number;
}

interface LevelSource extends SlideLevel {
  /** which image of the file holds this level */
  ref: PageRef;
  /** tiled levels decode only the tiles a region touches; others decode from the top */
  tiled: boolean;
  jpegTiles?: JpegTileTable;
}

async function checkIsFile(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new SlideFormatError(`${path}: is a directory, not a slide file`);
    if (!s.isFile()) throw new SlideFormatError(`${path}: is not a regular file`);
    return s.size;
  } catch (err) {
    if (err instanceof SlideFormatError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
    throw new SlideFormatError(`${path}: ${why}`, { cause: err });
  }
}

async function readFlatHeader(path: string, kind: 'png' | 'jpeg'): Promise<FlatHeader> {
  const handle = await open(path, 'r');
  try {
    const header = kind === 'png' ? await readPngHeader(handle, path) : await readJpegHeader(handle, path);
    const pixels = header.width * header.height;
    if (!(header.width > 0 && header.height > 0)) throw new SlideFormatError(`${path}: ${kind.toUpperCase()} header declares an empty image (${header.width} × ${header.height})`);
    if (pixels > MAX_FLAT_PIXELS) {
      throw new SlideFormatError(
        `${path}: ${kind.toUpperCase()} declares ${header.width} × ${header.height} pixels (${describePixels(pixels)}), ` +
          `over the limit of ${describePixels(MAX_FLAT_PIXELS)} for a non-tiled image; convert it to a tiled pyramidal TIFF`,
      );
    }
    return header;
  } finally {
    await handle.close();
  }
}

/** A non-tiled image that decodes to far more than any scan compresses to is refused (MAX_FLAT_EXPANSION). */
function checkExpansion(path: string, page: { width: number; height: number; tiled: boolean }, fileSize: number): void {
  const pixels = page.width * page.height;
  if (page.tiled || pixels <= MAX_CACHED_FLAT_PIXELS) return;
  const ratio = (pixels * 3) / Math.max(1, fileSize);
  if (ratio > MAX_FLAT_EXPANSION) {
    throw new SlideFormatError(
      `${path}: a ${(fileSize / 1e6).toPrecision(3)} MB file declares a non-tiled image of ${page.width} × ${page.height} pixels (${describePixels(pixels)}, ` +
        `${((pixels * 3) / 1e9).toPrecision(3)} GB decoded), ${Math.round(ratio)} times its size; no scanned slide compresses that far (limit ${MAX_FLAT_EXPANSION}:1), so it is refused as a decompression bomb`,
    );
  }
}

/**
 * The builtin reader (geotiff for structure, libvips through sharp for pixels): PNG, JPEG, TIFF
 * (strip, tiled, pyramidal), BigTIFF, Aperio SVS, OME-TIFF. Reads structure only; pixels are
 * decoded per region. The pixel size comes from the file, or from `meta.mpp` when the file states none.
 */
export async function openBuiltinSlide(path: string, meta: OpenSlideMeta = {}): Promise<Slide> {
  const metaMpp = checkMetaMpp(path, meta.mpp);
  const fileSize = await checkIsFile(path);
  const sniffed = await sniffFile(path);

  let format: SlideFormat;
  let fileMpp: number | undefined;
  let associatedImages: string[] = [];
  let vendorMeta: AperioMetadata | undefined;
  let unusableMpp: string | undefined;
  let pages: { ref: PageRef; width: number; height: number; tiled: boolean; jpegTiles?: JpegTileTable }[];
  if (sniffed.kind === 'png' || sniffed.kind === 'jpeg') {
    const header = await readFlatHeader(path, sniffed.kind);
    format = sniffed.kind;
    fileMpp = header.mpp;
    unusableMpp = header.unusableMpp;
    pages = [{ ref: {}, width: header.width, height: header.height, tiled: false }];
  } else {
    const structure = await readTiffStructure(path, fileSize, sniffed.kind === 'bigtiff');
    format = structure.format;
    associatedImages = structure.associatedImages;
    if (format === 'svs') vendorMeta = aperioMetadata(structure.description);
    fileMpp = structure.mpp;
    unusableMpp = structure.unusableMpp;
    pages = structure.levels.map((l) => ({ ref: { page: l.page, subifd: l.subifd }, width: l.width, height: l.height, tiled: l.tiled, jpegTiles: l.jpegTiles }));
  }

  for (const p of pages) checkExpansion(path, p, fileSize);
  const header = await checkDecodable(path, pages[0].ref, pages[0].width, pages[0].height);
  // libvips reports JPEG resolution (JFIF or EXIF) as dots per inch
  if (format === 'jpeg') fileMpp = mppFromResolution(header.density, 'inch');
  const mpp0 = fileMpp ?? metaMpp;
  if (mpp0 === undefined) {
    if (unusableMpp) throw new MetadataError(`${path}: the file's pixel size (${unusableMpp}) is not a valid µm/px; supply µm/px (mpp) in the slide metadata`);
    throw new MetadataError(`${path}: the file states no pixel size; supply µm/px (mpp) in the slide metadata`);
  }

  const levels: LevelSource[] = pages.map((p, index) => {
    // x ratio: libvips rounds level sizes down, so width and height ratios differ by a hair
    const downsample = pages[0].width / p.width;
    return { index, width: p.width, height: p.height, mpp: mpp0 * downsample, downsample, ref: p.ref, tiled: p.tiled, jpegTiles: p.jpegTiles };
  });
  let closed = false;
  /** whole decoded non-tiled levels, see MAX_CACHED_FLAT_PIXELS */
  const decoded = new Map<number, Promise<RgbRaster>>();
  const wholeLevel = (l: LevelSource): Promise<RgbRaster> => {
    let whole = decoded.get(l.index);
    if (!whole) {
      whole = decodeRegion(path, l.ref, `level ${l.index}`, 0, 0, l.width, l.height);
      whole.catch(() => decoded.delete(l.index));
      decoded.set(l.index, whole);
    }
    return whole;
  };

  const level = (i: number): LevelSource => {
    if (closed) throw new Error(`${path}: slide is closed`);
    const l = levels[i];
    if (!Number.isInteger(i) || !l) throw new RangeError(`${path}: level ${i} does not exist (the slide has ${levels.length})`);
    return l;
  };

  return {
    path,
    format,
    backend: 'builtin',
    associatedImages,
    properties: vendorMeta?.properties ?? {},
    ...(vendorMeta ? { vendor: vendorMeta.vendor } : {}),
    ...(vendorMeta?.objectivePower !== undefined ? { objectivePower: vendorMeta.objectivePower } : {}),
    levels: levels.map(({ index, width, height, mpp, downsample }) => ({ index, width, height, mpp, downsample })),
    mppSource: fileMpp !== undefined ? 'file' : 'metadata',

    async readRegion(i: number, x: number, y: number, width: number, height: number): Promise<RgbRaster> {
      const l = level(i);
      checkRegionInside(path, l, x, y, width, height);
      if (!l.tiled && l.width * l.height <= MAX_CACHED_FLAT_PIXELS) return cropRgb(await wholeLevel(l), x, y, width, height);
      if (l.jpegTiles) await checkJpegTiles(path, i, l.jpegTiles, x, y, width, height);
      return decodeRegion(path, l.ref, `level ${i}`, x, y, width, height);
    },

    async readThumbnail(mpp: number): Promise<{ raster: RgbRaster; mpp: number }> {
      const { level: target, width, height } = thumbnailTarget(path, levels, mpp);
      const l = level(target.index);
      if (l.jpegTiles) await checkJpegTiles(path, l.index, l.jpegTiles, 0, 0, l.width, l.height);
      const raster = await decodeScaled(path, l.ref, `level ${l.index}`, width, height);
      return { raster, mpp: (l.mpp * l.width) / width };
    },

    async close(): Promise<void> {
      closed = true;
      decoded.clear();
    },
  };
}
