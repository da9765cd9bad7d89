import { MetadataError, SlideFormatError } from '../../errors/index.js';
import { checkMetaMpp, checkRegion, openLevel } from '../slide-checks.js';
import type { RgbRaster } from '../../image/raster.js';
import { finestSufficientLevel } from '../choose-level.js';
import { MAX_TILED_LEVEL_PIXELS, describePixels } from '../limits.js';
import type { Slide, SlideLevel } from '../types.js';
import { describeDicomSlide } from './dicom-properties.js';
import { DicomLevel, frameCache } from './dicom-level.js';
import { scaledLevel } from './dicom-thumbnail.js';
import type { AssociatedInstance, WsiInstance } from './instance.js';
import { closeAll, readSeries, type ReadInstance } from './series-files.js';

export interface OpenDicomMeta {
  /** µm/px at level 0, used only when the series states no pixel spacing */
  mpp?: number;
}

/**
 * Levels' physical widths (µm/px × pixels) may differ by rounding of the level sizes: up to one
 * pixel of the coarser level. Beyond that plus 0.5 % the stated spacing does not fit the size.
 */
const SPACING_SLACK = 0.005;

/** Associated image names as OpenSlide gives them (OVERVIEW is OpenSlide's "macro"). */
const ASSOCIATED_NAME: Record<AssociatedInstance['flavor'], string> = { LABEL: 'label', OVERVIEW: 'macro', THUMBNAIL: 'thumbnail' };

/** The levels of one series, finest first, after the checks that make them one pyramid. */
function pyramid(where: string, read: ReadInstance[], given: string | undefined): { levels: WsiInstance[]; associated: AssociatedInstance[] } {
  const all = read.filter((r): r is Extract<ReadInstance, { kind: 'level' }> => r.kind === 'level').map((r) => r.inst);
  const givenSeries = given === undefined ? undefined : read.find((r) => r.inst.path === given)?.inst.seriesUid;
  const levels = givenSeries === undefined ? all : all.filter((l) => l.seriesUid === givenSeries);
  if (levels.length === 0) throw new SlideFormatError(`${where}: no VOLUME instance of its series ${givenSeries} found beside it (a label or overview alone is not a slide)`);
  const series = [...new Set(levels.map((l) => l.seriesUid))];
  if (series.length > 1) {
    throw new SlideFormatError(`${where}: holds ${series.length} whole-slide series (${series.join(', ')}); give one series per slide`);
  }
  levels.sort((a, b) => b.totalColumns - a.totalColumns || b.totalRows - a.totalRows);
  for (let i = 1; i < levels.length; i++) {
    if (levels[i].totalColumns === levels[i - 1].totalColumns && levels[i].totalRows === levels[i - 1].totalRows) {
      throw new SlideFormatError(`${where}: ${levels[i - 1].path} and ${levels[i].path} are both ${levels[i].totalColumns}×${levels[i].totalRows} VOLUME instances (focal planes or concatenations in separate files are not supported)`);
    }
  }
  for (const l of levels) {
    const px = l.totalColumns * l.totalRows;
    if (px > MAX_TILED_LEVEL_PIXELS) throw new SlideFormatError(`${l.path}: level of ${l.totalColumns}×${l.totalRows} (${describePixels(px)}) is over the limit of ${describePixels(MAX_TILED_LEVEL_PIXELS)}`);
    if (l.codec === 'native' && l.samplesPerPixel === 3 && l.photometric !== 'RGB' && l.photometric !== 'YBR_FULL') {
      throw new SlideFormatError(`${l.path}: uncompressed ${l.photometric} is not supported (RGB or YBR_FULL)`);
    }
  }
  const study = levels[0].studyUid;
  const associated = read
    .filter((r): r is Extract<ReadInstance, { kind: 'associated' }> => r.kind === 'associated')
    .map((r) => r.inst)
    .filter((a) => a.seriesUid === levels[0].seriesUid || (study !== undefined && a.studyUid === study));
  return { levels, associated };
}

/** Each level's stated spacing must agree with its size: the same physical width as level 0. */
function checkSpacing(levels: WsiInstance[], mpp0: number): void {
  const width0 = mpp0 * levels[0].totalColumns;
  for (const l of levels.slice(1)) {
    if (l.mpp === undefined) continue;
    const width = l.mpp * l.totalColumns;
    if (Math.abs(width - width0) > l.mpp + SPACING_SLACK * width0) {
      throw new SlideFormatError(
        `${l.path}: Pixel Spacing ${(l.mpp / 1000).toPrecision(6)} mm across ${l.totalColumns} px makes the slide ${(width / 1000).toFixed(3)} mm wide, ` +
          `but level 0 (${levels[0].path}) is ${(width0 / 1000).toFixed(3)} mm wide; the pixel spacing is inconsistent with the level sizes`,
      );
    }
  }
}

/**
 * Open a DICOM WSI series: a folder, a list of Part-10 files, or one file of a series (the files
 * of its series beside it are found). One VOLUME instance per level, finest first; LABEL, OVERVIEW
 * and THUMBNAIL instances are listed by name and never decoded. Frames are read only where a
 * region touches them.
 */
export async function openDicomSlide(path: string | string[], meta: OpenDicomMeta = {}): Promise<Slide> {
  const where = Array.isArray(path) ? (path[0] ?? '(no files)') : path;
  const metaMpp = checkMetaMpp(where, meta.mpp);
  const { read, given } = await readSeries(path);
  const handles = read.flatMap((r) => (r.kind === 'level' ? [r.handle] : []));
  try {
    const { levels: instances, associated } = pyramid(where, read, given);
    const fileMpp = instances[0].mpp;
    const mpp0 = fileMpp ?? metaMpp;
    if (mpp0 === undefined) throw new MetadataError(`${where}: the DICOM series states no pixel spacing; supply µm/px (mpp) in the slide metadata`);
    checkSpacing(instances, mpp0);
    const cache = frameCache();
    const handleOf = new Map(read.flatMap((r) => (r.kind === 'level' ? [[r.inst, r.handle] as const] : [])));
    // one level after another, so a damaged series always reports its finest damaged level
    const dicomLevels: DicomLevel[] = [];
    for (const [i, inst] of instances.entries()) dicomLevels.push(await DicomLevel.open(i, inst, handleOf.get(inst)!, cache));
    const w0 = instances[0].totalColumns;
    const levels: SlideLevel[] = instances.map((l, index) => ({ index, width: l.totalColumns, height: l.totalRows, mpp: mpp0 * (w0 / l.totalColumns), downsample: w0 / l.totalColumns }));
    const { vendor, objectivePower, properties } = describeDicomSlide(read.find((r) => r.inst === instances[0])!.dataSet);
    const release = async (): Promise<void> => {
      cache.clear();
      await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    };
    return dicomSlide(where, levels, dicomLevels, release, {
      vendor,
      objectivePower,
      properties,
      associatedImages: [...new Set(associated.map((a) => ASSOCIATED_NAME[a.flavor]))],
      mppSource: fileMpp !== undefined ? 'file' : 'metadata',
      // the slide's identity is every file of its series, so a changed level makes a new slide
      contentFiles: [...instances, ...associated].map((i) => i.path).sort(),
    });
  } catch (err) {
    await closeAll(read);
    throw err;
  }
}

function dicomSlide(
  path: string,
  levels: SlideLevel[],
  dicomLevels: DicomLevel[],
  release: () => Promise<void>,
  described: Pick<Slide, 'vendor' | 'objectivePower' | 'properties' | 'associatedImages' | 'mppSource' | 'contentFiles'>,
): Slide {
  let closed = false;
  const level = (i: number): DicomLevel => openLevel(path, closed, dicomLevels, i);
  return {
    path,
    format: 'dicom',
    backend: 'dicom',
    ...described,
    levels,

    async readRegion(i: number, x: number, y: number, width: number, height: number): Promise<RgbRaster> {
      const l = level(i);
      checkRegion(path, i, levels[i].width, levels[i].height, x, y, width, height);
      return l.read(x, y, width, height);
    },

    async readThumbnail(mpp: number): Promise<{ raster: RgbRaster; mpp: number }> {
      if (!(mpp > 0) || !Number.isFinite(mpp)) throw new RangeError(`${path}: thumbnail µm/px must be a positive number, got ${mpp}`);
      const i = finestSufficientLevel(levels, mpp);
      const l = level(i);
      const { width: lw, height: lh, mpp: lmpp } = levels[i];
      // never upsample: a target finer than level 0 gets level 0 as is
      const scale = Math.min(1, lmpp / mpp);
      const width = Math.max(1, Math.round(lw * scale));
      const height = Math.max(1, Math.round(lh * scale));
      // bands of one tile row: a 100k-px-wide level decodes ~400 frames (~80 MB) at a time
      const raster = await scaledLevel(lw, lh, width, height, l.inst.rows, (y, h) => l.read(0, y, lw, h));
      return { raster, mpp: (lmpp * lw) / width };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await release();
    },
  };
}
