import sharp from 'sharp';
import type { RgbRaster } from '../../image/raster.js';
import { ASCII, FLOAT, LONG, RATIONAL, SHORT, SLONG, TiffFile, rational, type Entry } from '../../slide/tiff-writer.js';
import { encodeRestartJpeg } from './restart-jpeg.js';

/**
 * Writes a small Hamamatsu NDPI as OpenSlide 3.4.1's hamamatsu reader expects it: a classic TIFF
 * whose every page is one JPEG strip (RowsPerStrip = height) with restart markers, NDPI_FORMAT_FLAG
 * (65420) on every page, NDPI_SOURCELENS (65421, FLOAT) > 0 on pyramid levels and −1 on the macro,
 * NDPI_FOCAL_PLANE (65424) 0, NDPI_MCU_STARTS (65426) giving each restart interval's offset in the
 * JPEG, X/YResolution in pixels per cm, and the ASCII property map (65449).
 */
export interface NdpiOptions {
  /** µm/px of level 0 */
  mpp: number;
  /** objective magnification of level 0 (SourceLens) */
  objective: number;
  quality?: number;
  /** MCUs per restart interval: OpenSlide's tiles are restartInterval·8 × 8 pixels */
  restartInterval?: number;
  /** the slide overview photograph, which shows the label: written so privacy tests have one to keep out */
  macro?: RgbRaster;
}

const NDPI_FORMAT_FLAG = 65420;
const NDPI_SOURCELENS = 65421;
const NDPI_XOFFSET = 65422;
const NDPI_YOFFSET = 65423;
const NDPI_FOCAL_PLANE = 65424;
const NDPI_MCU_STARTS = 65426;
const NDPI_REFERENCE = 65427;
const NDPI_PROPERTY_MAP = 65449;

function ascii(text: string): Uint8Array {
  return Buffer.from(`${text}\0`, 'latin1');
}

function pageEntries(width: number, height: number, offset: number, count: number, lens: number, pxPerCm: number): Entry[] {
  const r = rational(pxPerCm);
  return [
    { tag: 256, type: LONG, values: [width] },
    { tag: 257, type: LONG, values: [height] },
    { tag: 258, type: SHORT, values: [8, 8, 8] },
    { tag: 259, type: SHORT, values: [7] },
    { tag: 262, type: SHORT, values: [6] },
    { tag: 271, type: ASCII, values: ascii('Hamamatsu') },
    { tag: 272, type: ASCII, values: ascii('C13210') },
    { tag: 273, type: LONG, values: [offset] },
    { tag: 277, type: SHORT, values: [3] },
    { tag: 278, type: LONG, values: [height] },
    { tag: 279, type: LONG, values: [count] },
    { tag: 282, type: RATIONAL, values: r },
    { tag: 283, type: RATIONAL, values: r },
    { tag: 296, type: SHORT, values: [3] },
    { tag: 305, type: ASCII, values: ascii('NDP.scan 3.3.2') },
    { tag: NDPI_FORMAT_FLAG, type: LONG, values: [1] },
    { tag: NDPI_SOURCELENS, type: FLOAT, values: [lens] },
    { tag: NDPI_XOFFSET, type: SLONG, values: [0] },
    { tag: NDPI_YOFFSET, type: SLONG, values: [0] },
    { tag: NDPI_FOCAL_PLANE, type: SLONG, values: [0] },
    { tag: NDPI_REFERENCE, type: ASCII, values: ascii('synthetic') },
    { tag: NDPI_PROPERTY_MAP, type: ASCII, values: ascii('Objective.Lens.Magnificant=20\r\nProduct=NanoZoomer S60\r\n') },
  ];
}

/** Write `levels` (level 0 first, each a whole number of restart intervals) as an NDPI file. */
export async function writeNdpi(path: string, levels: RgbRaster[], opts: NdpiOptions): Promise<void> {
  const { quality = 85, restartInterval = 32 } = opts;
  const file = await TiffFile.create(path, false);
  try {
    for (const level of levels) {
      const downsample = levels[0].width / level.width;
      const jpeg = await encodeRestartJpeg(level, restartInterval, quality);
      const offset = await file.append(jpeg.bytes);
      const entries = pageEntries(level.width, level.height, offset, jpeg.bytes.length, opts.objective / downsample, 10_000 / (opts.mpp * downsample));
      entries.push({ tag: NDPI_MCU_STARTS, type: LONG, values: jpeg.segmentStarts });
      await file.writeIfd(entries);
    }
    if (opts.macro) {
      const { width, height } = opts.macro;
      const bytes = await sharp(opts.macro.data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
      const offset = await file.append(bytes);
      // macro pixel size is the photograph's, not the scan's; Hamamatsu writes SourceLens −1
      await file.writeIfd(pageEntries(width, height, offset, bytes.length, -1, 10_000 / 20));
    }
  } finally {
    await file.close();
  }
}
