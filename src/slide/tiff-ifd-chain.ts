import { open } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';
import { readAt, tiffBytes, type TiffBytes } from './tiff-bytes.js';

/**
 * A TIFF's top-level directories hold at most this many pages: a whole-slide pyramid has ~5–15,
 * a multi-plane OME-TIFF a few hundred; a chain longer than this is a hostile or broken file.
 */
export const MAX_TIFF_PAGES = 10_000;

/**
 * The most bytes one directory entry may hold: a 200 000² px slide in 256 px tiles has ~5 MB of
 * tile offsets, and OME-XML descriptions run to a few MB; a larger entry would be read whole into
 * memory (geotiff loads an entry's values at once) for no slide's sake.
 */
export const MAX_TAG_BYTES = 64 * 2 ** 20;

/** bytes per value of each TIFF field type (TIFF 6.0 and BigTIFF) */
const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * Every entry's values must lie inside the file and within MAX_TAG_BYTES: a directory declaring,
 * say, a 2 GB ImageDescription in a 1 kB file made geotiff allocate it (2.9 GB peak) before failing.
 */
function checkValueExtents(path: string, page: number, entries: Buffer, count: number, t: TiffBytes, f: { fileSize: number; maxTagBytes: number }): void {
  const size = t.big ? 20 : 12;
  const inline = t.big ? 8 : 4;
  for (let e = 0; e < count; e++) {
    const q = e * size;
    const bytesPer = TYPE_BYTES[t.u16(entries, q + 2)];
    if (bytesPer === undefined) continue; // an unknown type: readers skip the entry
    const values = t.word(entries, q + 4);
    const bytes = values * bytesPer;
    if (bytes <= inline) continue;
    const offset = t.word(entries, q + 4 + inline);
    if (offset + bytes > f.fileSize) {
      throw new SlideFormatError(
        `${path}: TIFF image directory ${page} declares ${values} values of tag ${t.u16(entries, q)} (${bytes} bytes at offset ${offset}), past the end of the file (${f.fileSize} bytes); the file is truncated or corrupt`,
      );
    }
    if (bytes > f.maxTagBytes) {
      throw new SlideFormatError(`${path}: TIFF image directory ${page} holds ${bytes} bytes in tag ${t.u16(entries, q)}, more than the ${f.maxTagBytes} any slide needs; the file is corrupt or hostile`);
    }
  }
}

/**
 * Walks the chain of top-level image file directories (IFDs) of a (Big)TIFF by their next-IFD
 * offsets, before any decoder does, and answers their offsets in order. geotiff follows the chain
 * until an offset of 0 with no bound and no memory of where it has been: a directory that points
 * back at itself (or at an earlier one) kept it spinning and allocating until the heap ran out,
 * and the whole batch died. Here a loop, an offset outside the file, a directory cut short, a
 * tag whose values lie past the end of the file or a chain of more than MAX_TIFF_PAGES fails
 * this slide alone with a message saying which.
 */
export async function tiffIfdChain(path: string, fileSize: number, maxTagBytes = MAX_TAG_BYTES): Promise<number[]> {
  const handle = await open(path, 'r');
  try {
    const header = await readAt(handle, 0, 16);
    const order = header.toString('latin1', 0, 2);
    if (header.length < 8 || (order !== 'II' && order !== 'MM')) throw new SlideFormatError(`${path}: no TIFF header (byte order mark 'II' or 'MM')`);
    const littleEndian = order === 'II';
    const version = littleEndian ? header.readUInt16LE(2) : header.readUInt16BE(2);
    if (version !== 42 && version !== 43) throw new SlideFormatError(`${path}: TIFF version ${version} is neither 42 (TIFF) nor 43 (BigTIFF)`);
    const big = version === 43;
    if (header.length < (big ? 16 : 8)) throw new SlideFormatError(`${path}: the TIFF header is cut short (${header.length} bytes)`);
    const t = tiffBytes(handle, littleEndian, big);
    const countBytes = big ? 8 : 2;
    const entryBytes = big ? 20 : 12;
    const seen = new Set<number>();
    const chain: number[] = [];
    let at = t.word(header, big ? 8 : 4);
    while (at !== 0) {
      const page = chain.length;
      if (seen.has(at)) {
        throw new SlideFormatError(`${path}: the TIFF's image directories loop (directory ${page} points back to offset ${at}, directory ${chain.indexOf(at)}'s); the file is corrupt`);
      }
      if (chain.length >= MAX_TIFF_PAGES) throw new SlideFormatError(`${path}: the TIFF has more than ${MAX_TIFF_PAGES} image directories; the file is corrupt or not a slide`);
      if (at < (big ? 16 : 8) || at + countBytes > fileSize) {
        throw new SlideFormatError(`${path}: TIFF image directory ${page} lies at offset ${at}, outside the file (${fileSize} bytes); the file is truncated or corrupt`);
      }
      seen.add(at);
      chain.push(at);
      const c = await t.read(at, countBytes);
      const entries = big ? t.word(c, 0) : t.u16(c, 0);
      const nextAt = at + countBytes + entries * entryBytes;
      if (nextAt + (big ? 8 : 4) > fileSize) {
        throw new SlideFormatError(`${path}: TIFF image directory ${page} (${entries} entries at offset ${at}) runs past the end of the file (${fileSize} bytes); the file is truncated or corrupt`);
      }
      checkValueExtents(path, page, await t.read(at + countBytes, entries * entryBytes), entries, t, { fileSize, maxTagBytes });
      at = t.word(await t.read(nextAt, big ? 8 : 4), 0);
    }
    if (chain.length === 0) throw new SlideFormatError(`${path}: the TIFF has no image directory`);
    return chain;
  } finally {
    await handle.close();
  }
}
