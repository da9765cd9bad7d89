import { open } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';
import { MAX_TILED_LEVEL_PIXELS, describePixels } from './limits.js';
import { tiffBytes, type TiffBytes } from './tiff-bytes.js';
import { tiffIfdChain } from './tiff-ifd-chain.js';

/**
 * A tile side larger than this is no scanner's: they write 256–1024 px tiles (DICOM up to 2048).
 * libtiff allocates one tile's buffer before reading it, so OpenSlide given a 2^30 px tile asked
 * GLib for a terabyte and the process aborted.
 */
export const MAX_TILE_SIDE = 16384;

const TAGS = { width: 256, height: 257, compression: 259, stripOffsets: 273, samples: 277, rowsPerStrip: 278, stripCounts: 279, planar: 284, tileWidth: 322, tileLength: 323, tileOffsets: 324, tileCounts: 325 } as const;

/** Values of one IFD entry: SHORT, LONG, LONG8 or IFD; `undefined` for a tag absent or of another type. */
async function entryValues(t: TiffBytes, littleEndian: boolean, entries: Buffer, count: number, tag: number): Promise<number[] | undefined> {
  const size = t.big ? 20 : 12;
  const inline = t.big ? 8 : 4;
  for (let e = 0; e < count; e++) {
    const q = e * size;
    if (t.u16(entries, q) !== tag) continue;
    const type = t.u16(entries, q + 2);
    const bytesPer = type === 3 ? 2 : type === 4 || type === 13 ? 4 : type === 16 || type === 18 ? 8 : 0;
    if (bytesPer === 0) return undefined;
    const n = t.word(entries, q + 4);
    const bytes = n * bytesPer;
    const field = q + 4 + inline;
    const data = bytes <= inline ? entries.subarray(field, field + bytes) : await t.read(t.word(entries, field), bytes);
    if (data.length < bytes) return undefined;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      if (bytesPer === 2) out[i] = t.u16(data, 2 * i);
      else if (bytesPer === 4) out[i] = littleEndian ? data.readUInt32LE(4 * i) : data.readUInt32BE(4 * i);
      else out[i] = Number(littleEndian ? data.readBigUInt64LE(8 * i) : data.readBigUInt64BE(8 * i));
    }
    return out;
  }
  return undefined;
}

/**
 * Every image directory's tile (or strip) table checked against its declared size, before any
 * decoder allocates for it: dimensions present and within MAX_TILED_LEVEL_PIXELS, tile sides in
 * 1..MAX_TILE_SIDE, as many offsets as byte counts and at least one per tile across × down, every
 * tile of non-zero length lying inside the file. A zero byte count is allowed only where the
 * format has sparse tiles (`zeroLengthTiles`, Philips). The first failure names the directory,
 * the tile and the numbers. Runs the bounded chain walk (tiffIfdChain) first.
 */
export async function checkTiffTileTables(path: string, fileSize: number, opts: { zeroLengthTiles?: boolean } = {}): Promise<number[]> {
  const chain = await tiffIfdChain(path, fileSize);
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    const littleEndian = head.toString('latin1', 0, 2) === 'II';
    const big = (littleEndian ? head.readUInt16LE(2) : head.readUInt16BE(2)) === 43;
    const t = tiffBytes(handle, littleEndian, big);
    for (const [d, at] of chain.entries()) {
      const c = await t.read(at, big ? 8 : 2);
      const count = big ? t.word(c, 0) : t.u16(c, 0);
      const entries = await t.read(at + c.length, count * (big ? 20 : 12));
      const one = async (tag: number): Promise<number | undefined> => (await entryValues(t, littleEndian, entries, count, tag))?.[0];
      const where = `${path}: TIFF image directory ${d}`;
      const width = (await one(TAGS.width)) ?? 0;
      const height = (await one(TAGS.height)) ?? 0;
      if (!(width > 0 && height > 0)) throw new SlideFormatError(`${where} declares an image of ${width} × ${height} pixels; the file is corrupt`);
      if (width * height > MAX_TILED_LEVEL_PIXELS) {
        throw new SlideFormatError(`${where} declares ${width} × ${height} pixels (${describePixels(width * height)}), over the limit of ${describePixels(MAX_TILED_LEVEL_PIXELS)} for one level`);
      }
      const tileWidth = await one(TAGS.tileWidth);
      const tiled = tileWidth !== undefined;
      const tw = tiled ? tileWidth : width;
      const th = tiled ? ((await one(TAGS.tileLength)) ?? 0) : Math.min(height, (await one(TAGS.rowsPerStrip)) ?? height);
      if (!(tw >= 1 && th >= 1 && tw <= (tiled ? MAX_TILE_SIDE : width) && th <= (tiled ? MAX_TILE_SIDE : height))) {
        const what = tiled ? `tiles of ${tw} × ${th} pixels (1 to ${MAX_TILE_SIDE} a side)` : `strips of ${th} rows`;
        throw new SlideFormatError(`${where} declares ${what}; the file is corrupt`);
      }
      const planes = (await one(TAGS.planar)) === 2 ? ((await one(TAGS.samples)) ?? 1) : 1;
      const needed = Math.ceil(width / tw) * Math.ceil(height / th) * planes;
      const unit = tiled ? 'tile' : 'strip';
      const offsets = await entryValues(t, littleEndian, entries, count, tiled ? TAGS.tileOffsets : TAGS.stripOffsets);
      const counts = await entryValues(t, littleEndian, entries, count, tiled ? TAGS.tileCounts : TAGS.stripCounts);
      if (!offsets || !counts) throw new SlideFormatError(`${where} has no ${unit} offsets or byte counts; the file is corrupt`);
      if (offsets.length !== counts.length || offsets.length < needed) {
        throw new SlideFormatError(
          `${where} lists ${offsets.length} ${unit} offsets and ${counts.length} byte counts, but its ${width} × ${height} pixels in ${tw} × ${th} ${unit}s need ${needed}; the file is corrupt`,
        );
      }
      for (let k = 0; k < needed; k++) {
        if (counts[k] === 0) {
          if (opts.zeroLengthTiles) continue;
          throw new SlideFormatError(`${where}: ${unit} ${k} (column ${k % Math.ceil(width / tw)}, row ${Math.floor(k / Math.ceil(width / tw))}) declares 0 bytes; the file is corrupt`);
        }
        if (offsets[k] + counts[k] > fileSize) {
          throw new SlideFormatError(
            `${where}: ${unit} ${k} declares ${counts[k]} bytes at offset ${offsets[k]}, past the end of the file (${fileSize} bytes); the file is truncated or corrupt`,
          );
        }
      }
    }
    return chain;
  } finally {
    await handle.close();
  }
}
