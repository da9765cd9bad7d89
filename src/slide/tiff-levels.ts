import { fromFile, type GeoTIFF, type ImageFileDirectory } from 'geotiff';
import { SlideFormatError } from '../errors/index.js';
import type { SlideFormat } from '../domain/slide.js';
import { MAX_FLAT_PIXELS, MAX_TILED_LEVEL_PIXELS, describePixels } from './limits.js';
import { mppFromAperioDescription, mppFromOmeXml, mppFromResolution, type ResolutionUnit } from './resolution.js';
import { checkTiffTileTables } from './tiff-tile-tables.js';
import type { JpegTileTable } from './jpeg-tile-check.js';

/** reduced levels an OME-TIFF keeps as SubIFDs of its first page: a pyramid has a handful */
const MAX_SUB_IFDS = 64;

/** One image file directory that holds a pyramid level. */
export interface TiffLevelPage {
  /** IFD index as libvips counts pages */
  page: number;
  /** index into the page's SubIFDs, where OME-TIFF keeps its reduced levels */
  subifd?: number;
  width: number;
  height: number;
  tiled: boolean;
  /** tiled JPEG levels: the tile table, so a region's tiles can be checked before libvips decodes them */
  jpegTiles?: JpegTileTable;
}

export interface TiffStructure {
  format: Extract<SlideFormat, 'tiff' | 'bigtiff' | 'svs' | 'ome-tiff'>;
  /** level 0 first, strictly decreasing width */
  levels: TiffLevelPage[];
  /** µm/px of level 0 stated by the file, if any */
  mpp?: number;
  /** where the file states a pixel size that is no µm/px (NaN, ≤ 0, over 100): what it says, for the error */
  unusableMpp?: string;
  description: string;
  /** names of the label / macro / thumbnail pages (names only: their pixels are never decoded) */
  associatedImages: string[];
}

interface PageInfo extends TiffLevelPage {
  subfileType: number;
  description: string;
  fd: ImageFileDirectory;
}

async function pageInfo(fd: ImageFileDirectory, page: number, subifd?: number): Promise<PageInfo> {
  return {
    page,
    subifd,
    width: Number(fd.getValue('ImageWidth')),
    height: Number(fd.getValue('ImageLength')),
    tiled: fd.hasTag('TileWidth'),
    subfileType: Number(fd.getValue('NewSubfileType') ?? 0),
    description: fd.hasTag('ImageDescription') ? String((await fd.loadValue('ImageDescription')) ?? '').replace(/\0+$/, '') : '',
    fd,
  };
}

/** Aperio (33003, 33005), other vendors (33004) and the registered JPEG 2000 code (34712); libvips as shipped with sharp has no decoder for them */
const JPEG_2000 = new Set([33003, 33004, 33005, 34712]);

const RESOLUTION_UNITS: Record<number, ResolutionUnit | undefined> = { 2: 'inch', 3: 'cm' };

function rationalValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof (v as ArrayLike<number>).length === 'number') {
    const a = v as ArrayLike<number>;
    return a.length >= 2 && a[1] !== 0 ? a[0] / a[1] : a.length === 1 ? a[0] : undefined;
  }
  return undefined;
}

function maxEnd(offsets: ArrayLike<number | bigint>, counts: ArrayLike<number | bigint>): number {
  let end = 0;
  for (let i = 0; i < offsets.length; i++) end = Math.max(end, Number(offsets[i]) + Number(counts[i] ?? 0));
  return end;
}

/**
 * A later IFD is a pyramid level when it is a smaller copy of level 0 with the same aspect, and
 * not a label/macro (Aperio names those in the description) or a strip thumbnail (SVS IFD 1).
 * libvips rounds level sizes down, so allow a couple of pixels of slack.
 */
function isReducedLevel(p: PageInfo, base: PageInfo, previous: PageInfo): boolean {
  if (/\b(label|macro)\b/i.test(p.description)) return false;
  if ((p.subfileType & 4) !== 0) return false; // transparency mask
  if (!p.tiled && base.tiled) return false;
  if (p.width >= previous.width) return false;
  const ds = base.width / p.width;
  return Math.abs(base.height / ds - p.height) <= Math.max(2, 0.02 * p.height);
}

/** Names OpenSlide gives the same pages: Aperio says label/macro in the description; its other extra page is the thumbnail. */
function associatedImageNames(pages: PageInfo[], levels: PageInfo[], format: TiffStructure['format']): string[] {
  const names: string[] = [];
  for (const p of pages) {
    if (levels.includes(p)) continue;
    const named = /\b(label|macro)\b/i.exec(p.description)?.[1]?.toLowerCase();
    if (named) names.push(named);
    else if (format === 'svs' && p.page === 1) names.push('thumbnail');
  }
  return names;
}

/**
 * Read a TIFF's directory structure (no pixels): which IFDs are levels, the declared pixel size,
 * and whether every level's tile data actually lies inside the file (a cut-off download fails
 * here with a clear message rather than deep inside libvips).
 */
export async function readTiffStructure(path: string, fileSize: number, bigtiff: boolean): Promise<TiffStructure> {
  let tiff: GeoTIFF | undefined;
  try {
    // the chain is walked (bounded, loops refused) and every tile table checked before geotiff
    // follows the chain, which it does unbounded, and before libvips allocates for a tile
    const count = (await checkTiffTileTables(path, fileSize)).length;
    tiff = await fromFile(path);
    const pages: PageInfo[] = [];
    for (let i = 0; i < count; i++) pages.push(await pageInfo((await tiff.getImage(i)).fileDirectory, i));
    const base = pages[0];
    if (!base || !(base.width > 0) || !(base.height > 0)) throw new Error('first image directory has no dimensions');

    // OME-TIFF (Bio-Formats 6+) keeps reduced levels in SubIFDs of the full-resolution page; then
    // the later top-level pages are other planes, not levels
    const subOffsets = base.fd.hasTag('SubIFDs') ? ((await base.fd.loadValue('SubIFDs')) as ArrayLike<number | bigint>) : [];
    if (subOffsets.length > MAX_SUB_IFDS) throw new SlideFormatError(`${path}: the first image directory lists ${subOffsets.length} SubIFDs (reduced levels), more than ${MAX_SUB_IFDS}; the file is corrupt`);
    const candidates: PageInfo[] = [];
    for (let k = 0; k < subOffsets.length; k++) {
      const at = Number(subOffsets[k]);
      if (!(at >= 8 && at < fileSize)) throw new SlideFormatError(`${path}: SubIFD ${k} lies at offset ${at}, outside the file (${fileSize} bytes); the file is truncated or corrupt`);
      candidates.push(await pageInfo(await tiff.parser.parseFileDirectoryAt(at), 0, k));
    }
    if (candidates.length === 0) candidates.push(...pages.slice(1));

    const levels: PageInfo[] = [base];
    for (const p of candidates) if (isReducedLevel(p, base, levels[levels.length - 1])) levels.push(p);

    for (const level of levels) {
      const pixels = level.width * level.height;
      const limit = level.tiled ? MAX_TILED_LEVEL_PIXELS : MAX_FLAT_PIXELS;
      if (pixels > limit) {
        throw new SlideFormatError(
          `${path}: level ${levels.indexOf(level)} declares ${level.width} × ${level.height} pixels (${describePixels(pixels)}), ` +
            `over the limit of ${describePixels(limit)} for a ${level.tiled ? 'tiled' : 'non-tiled'} TIFF level`,
        );
      }
      const fd = level.fd;
      const compression = Number(fd.getValue('Compression') ?? 1);
      if (JPEG_2000.has(compression)) {
        throw new SlideFormatError(
          `${path}: level ${levels.indexOf(level)} uses JPEG 2000 compression (TIFF code ${compression}), which this reader cannot decode; ` +
            'convert the slide to JPEG-compressed tiles (e.g. vips tiffsave --tile --pyramid --compression jpeg)',
        );
      }
      const [offTag, countTag] = level.tiled ? (['TileOffsets', 'TileByteCounts'] as const) : (['StripOffsets', 'StripByteCounts'] as const);
      const offsets = (await fd.loadValue(offTag)) as ArrayLike<number> | undefined;
      const counts = (await fd.loadValue(countTag)) as ArrayLike<number> | undefined;
      if (!offsets || !counts) throw new Error(`level ${levels.indexOf(level)} has no ${offTag}`);
      if (level.tiled && compression === 7 && Number(fd.getValue('PlanarConfiguration') ?? 1) === 1) {
        const tileWidth = Number(fd.getValue('TileWidth'));
        level.jpegTiles = { tileWidth, tileHeight: Number(fd.getValue('TileLength')), across: Math.ceil(level.width / tileWidth), offsets, counts };
      }
      const end = maxEnd(offsets, counts);
      if (end > fileSize) {
        throw new SlideFormatError(
          `${path}: the file is truncated: level ${levels.indexOf(level)} needs data up to byte ${end} but the file has only ${fileSize} bytes`,
        );
      }
    }

    const fd0 = base.fd;
    const description = base.description;
    let format: TiffStructure['format'] = bigtiff ? 'bigtiff' : 'tiff';
    let mpp: number | undefined;
    if (description.startsWith('Aperio')) {
      format = 'svs';
      mpp = mppFromAperioDescription(description);
    } else if (/<(?:\w+:)?OME\b/.test(description)) {
      format = 'ome-tiff';
      mpp = mppFromOmeXml(description);
    }
    const stated: string[] = [];
    if (mpp === undefined && format === 'svs') {
      const raw = /\|\s*MPP\s*=\s*([^|\r\n]{0,40})/.exec(description)?.[1]?.trim();
      if (raw !== undefined) stated.push(`Aperio MPP = ${raw}`);
    }
    if (mpp === undefined) {
      const unitCode = Number((await fd0.loadValue('ResolutionUnit')) ?? 2);
      const unit = RESOLUTION_UNITS[unitCode];
      const perUnit = fd0.hasTag('XResolution') ? rationalValue(await fd0.loadValue('XResolution')) : undefined;
      mpp = mppFromResolution(perUnit, unit);
      // 72 and 96 dpi are software defaults, not a measurement; anything else unusable is reported
      const dpi = unit && perUnit !== undefined ? (perUnit * 25_400) / (unit === 'cm' ? 10_000 : 25_400) : undefined;
      if (mpp === undefined && unit && fd0.hasTag('XResolution') && !(dpi !== undefined && [72, 96].some((d) => Math.abs(dpi - d) < 0.05))) {
        stated.push(`XResolution ${perUnit ?? 'with a zero denominator'} pixels per ${unit}`);
      }
    }
    const associatedImages = associatedImageNames(pages, levels, format);
    return { format, associatedImages, levels: levels.map(({ page, subifd, width, height, tiled, jpegTiles }) => ({ page, subifd, width, height, tiled, ...(jpegTiles ? { jpegTiles } : {}) })), mpp, ...(mpp === undefined && stated.length > 0 ? { unusableMpp: stated.join(', ') } : {}), description };
  } catch (err) {
    if (err instanceof SlideFormatError) throw err;
    throw new SlideFormatError(`${path}: cannot read the TIFF directory structure; the file is truncated or corrupt`, { cause: err });
  } finally {
    await tiff?.close();
  }
}
