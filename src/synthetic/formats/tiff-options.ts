import type { Chroma, WriteTiffOptions } from '../../slide/tiff-writer.js';

/** What every TIFF-based scanner writer (Philips, SCN, BIF) asks of the TIFF writer: JPEG tiles, 256 px unless told. */
export function scannerTiffOptions(opts: { tileSize?: number; quality?: number; chroma?: Chroma; mpp?: number }): WriteTiffOptions {
  return { tileSize: opts.tileSize ?? 256, compression: 'jpeg', chroma: opts.chroma, quality: opts.quality ?? 90, mpp: opts.mpp };
}
