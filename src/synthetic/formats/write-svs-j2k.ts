import { createRequire } from 'node:module';
import type { RgbRaster } from '../../image/raster.js';
import { ASCII, LONG, RATIONAL, SHORT, TiffFile, padTile, rational, regionOf, type Entry } from '../../slide/tiff-writer.js';
import { aperioDescription } from '../slide-descriptions.js';

/**
 * Writes a small Aperio SVS with JPEG 2000 tiles (TIFF compression 33005: a raw J2K codestream per
 * tile, RGB, no colour transform), as Aperio scanners write their "JP2K" slides. The builtin reader
 * cannot decode them (libvips as shipped with sharp has no JPEG 2000); OpenSlide reads them. Tiles
 * are encoded with the OpenJPEG build of @cornerstonejs/codec-openjpeg, lossless.
 */
interface J2KEncoder {
  getDecodedBuffer(frame: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
  setQuality(lossless: boolean, compressionRatio: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete?(): void;
}

let codec: Promise<{ J2KEncoder: new () => J2KEncoder }> | undefined;
function openjpeg(): Promise<{ J2KEncoder: new () => J2KEncoder }> {
  codec ??= (createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as () => Promise<{ J2KEncoder: new () => J2KEncoder }>)();
  return codec;
}

async function encodeJ2k(pixels: Uint8Array, size: number): Promise<Uint8Array> {
  const { J2KEncoder } = await openjpeg();
  const enc = new J2KEncoder();
  try {
    enc.getDecodedBuffer({ width: size, height: size, bitsPerSample: 8, componentCount: 3, isSigned: false, isUsingColorTransform: false }).set(pixels);
    enc.setQuality(true, 0);
    enc.encode();
    return Uint8Array.from(enc.getEncodedBuffer());
  } finally {
    enc.delete?.();
  }
}

/** `levels` level 0 first; every level tiled `tileSize` px, compression 33005. */
export async function writeSvsJ2k(path: string, levels: RgbRaster[], opts: { mpp: number; tileSize?: number }): Promise<void> {
  const tile = opts.tileSize ?? 256;
  const file = await TiffFile.create(path, false);
  try {
    for (const [k, level] of levels.entries()) {
      const offsets: number[] = [];
      const counts: number[] = [];
      for (let y = 0; y < level.height; y += tile) {
        for (let x = 0; x < level.width; x += tile) {
          const src = await regionOf(level, x, y, Math.min(tile, level.width - x), Math.min(tile, level.height - y));
          const bytes = await encodeJ2k(padTile(src, tile), tile);
          offsets.push(await file.append(bytes));
          counts.push(bytes.length);
        }
      }
      const description = k === 0 ? aperioDescription(level.width, level.height, opts.mpp, tile, 70).replace('JPEG/RGB Q=70', 'J2K/KDU Q=70') : `Aperio Image Library v12.0.15 \r\n${levels[0].width}x${levels[0].height} -> ${level.width}x${level.height} J2K/KDU Q=70`;
      const r = rational(10_000 / (opts.mpp * (levels[0].width / level.width)));
      const entries: Entry[] = [
        { tag: 254, type: LONG, values: [k === 0 ? 0 : 1] },
        { tag: 256, type: LONG, values: [level.width] },
        { tag: 257, type: LONG, values: [level.height] },
        { tag: 258, type: SHORT, values: [8, 8, 8] },
        { tag: 259, type: SHORT, values: [33005] },
        { tag: 262, type: SHORT, values: [2] },
        { tag: 270, type: ASCII, values: Buffer.from(`${description}\0`, 'latin1') },
        { tag: 277, type: SHORT, values: [3] },
        { tag: 282, type: RATIONAL, values: r },
        { tag: 283, type: RATIONAL, values: r },
        { tag: 284, type: SHORT, values: [1] },
        { tag: 296, type: SHORT, values: [3] },
        { tag: 322, type: LONG, values: [tile] },
        { tag: 323, type: LONG, values: [tile] },
        { tag: 324, type: LONG, values: offsets },
        { tag: 325, type: LONG, values: counts },
      ];
      await file.writeIfd(entries);
    }
  } finally {
    await file.close();
  }
}
