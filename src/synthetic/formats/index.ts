import { rgbRaster, type RgbRaster } from '../../image/raster.js';
import type { Chroma } from '../../slide/tiff-writer.js';
import { writeBif } from './write-bif.js';
import { writeMrxs } from './write-mrxs.js';
import { writeNdpi } from './write-ndpi.js';
import { writePhilipsTiff } from './write-philips-tiff.js';
import { writeScn } from './write-scn.js';

export { writeBif, writeMrxs, writeNdpi, writePhilipsTiff, writeScn };

/** Scanner formats the synthetic writers produce, all read through OpenSlide. */
export const SCANNER_FORMATS = ['ndpi', 'mrxs', 'scn', 'philips-tiff', 'bif'] as const;
export type ScannerFormat = (typeof SCANNER_FORMATS)[number];

export const SCANNER_EXTENSION: Record<ScannerFormat, string> = { ndpi: 'ndpi', mrxs: 'mrxs', scn: 'scn', 'philips-tiff': 'tiff', bif: 'bif' };

export interface ScannerSlideOptions {
  mpp: number;
  quality?: number;
  /** JPEG chroma subsampling; NDPI is always 4:4:4 (see restart-jpeg.ts) */
  chroma?: Chroma;
  /** the pixels of label / macro images: a recognisable flat colour lets privacy tests find any leak */
  associatedColour?: [number, number, number];
}

/** Level-0 pixels offset of the written pixels inside the slide OpenSlide shows (SCN places them in a margin of glass). */
export const SCN_MARGIN = 64;

function flat(width: number, height: number, [r, g, b]: [number, number, number]): RgbRaster {
  const out = rgbRaster(width, height);
  for (let i = 0; i < width * height; i++) out.data.set([r, g, b], i * 3);
  return out;
}

/**
 * Write `levels` (level 0 first, each half the one before) as a slide in `format`, with label and
 * macro images where the format has them. Level 0 must be a multiple of 256 × 32 (NDPI restart
 * intervals, MRXS camera images) for every format to accept it.
 */
export async function writeScannerSlide(format: ScannerFormat, path: string, levels: RgbRaster[], opts: ScannerSlideOptions): Promise<void> {
  const colour = opts.associatedColour ?? [250, 20, 200];
  const label = flat(120, 80, colour);
  const macro = flat(240, 80, colour);
  const quality = opts.quality ?? 90;
  const chroma = opts.chroma;
  switch (format) {
    case 'ndpi':
      return writeNdpi(path, levels, { mpp: opts.mpp, objective: 20, quality, restartInterval: 8, macro });
    case 'mrxs':
      return writeMrxs(path, levels, { mpp: opts.mpp, quality, chroma, label, macro });
    case 'scn':
      return writeScn(path, levels, { mpp: opts.mpp, quality, chroma, macro, marginPx: SCN_MARGIN });
    case 'philips-tiff':
      return writePhilipsTiff(path, levels, { mpp: opts.mpp, quality, chroma, label, macro });
    case 'bif':
      return writeBif(path, levels, { mpp: opts.mpp, quality, chroma, label, thumbnail: macro });
  }
}
