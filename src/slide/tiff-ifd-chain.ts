import { open } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';

/**
 * A TIFF's top-level directories hold at most this many pages: a whole-slide pyramid has ~5–15,
 * a multi-plane OME-TIFF a few hundred; a chain longer than this is a hostile or broken file.
 */
export const MAX_TIFF_PAGES = 10_000;

/**
 * Walks the chain of top-level image file directories (IFDs) of a (Big)TIFF by their next-IFD
 * offsets, before any decoder does, and answers their offsets in order. geotiff follows the chain
 * until an offset of 0 with no bound and no memory of where it has been: a directory that points
 * back at itself (or at an earlier one) kept it spinning and allocating until the heap ran out,
 * and the whole batch died. Here a loop, an offset outside the file, a directory cut short or a
 * chain of more than MAX_TIFF_PAGES fails this slide alone with a message saying which.
 */
export async function tiffIfdChain(path: string, fileSize: number): Promise<number[]> {
  const handle = await open(path, 'r');
  try {
    const read = async (at: number, length: number): Promise<Buffer> => {
      const b = Buffer.alloc(length);
      const { bytesRead } = await handle.read(b, 0, length, at);
      return b.subarray(0, bytesRead);
    };
    const offsetAt = (b: Buffer, at: number): number =>
      big ? Number(littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)) : littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
    const header = await read(0, 16);
    const order = header.toString('latin1', 0, 2);
    if (header.length < 8 || (order !== 'II' && order !== 'MM')) throw new SlideFormatError(`${path}: no TIFF header (byte order mark 'II' or 'MM')`);
    const littleEndian = order === 'II';
    const version = littleEndian ? header.readUInt16LE(2) : header.readUInt16BE(2);
    if (version !== 42 && version !== 43) throw new SlideFormatError(`${path}: TIFF version ${version} is neither 42 (TIFF) nor 43 (BigTIFF)`);
    const big = version === 43;
    if (header.length < (big ? 16 : 8)) throw new SlideFormatError(`${path}: the TIFF header is cut short (${header.length} bytes)`);
    const countBytes = big ? 8 : 2;
    const entryBytes = big ? 20 : 12;
    const seen = new Set<number>();
    const chain: number[] = [];
    let at = offsetAt(header, big ? 8 : 4);
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
      const c = await read(at, countBytes);
      const entries = big ? Number(littleEndian ? c.readBigUInt64LE(0) : c.readBigUInt64BE(0)) : littleEndian ? c.readUInt16LE(0) : c.readUInt16BE(0);
      const nextAt = at + countBytes + entries * entryBytes;
      const next = await read(nextAt, big ? 8 : 4);
      if (next.length < (big ? 8 : 4)) {
        throw new SlideFormatError(`${path}: TIFF image directory ${page} (${entries} entries at offset ${at}) runs past the end of the file (${fileSize} bytes); the file is truncated or corrupt`);
      }
      at = offsetAt(next, 0);
    }
    if (chain.length === 0) throw new SlideFormatError(`${path}: the TIFF has no image directory`);
    return chain;
  } finally {
    await handle.close();
  }
}
