import type { FileHandle } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';
import { mppFromResolution } from './resolution.js';

export interface FlatHeader {
  width: number;
  height: number;
  /** µm per pixel stated by the file, when it states a physical unit */
  mpp?: number;
  /** a stated pixel size that is no µm/px (0, or coarser than 100 µm/px): what it says, for the error */
  unusableMpp?: string;
}

const CHUNK_LIMIT = 10_000;

/**
 * Read IHDR (dimensions) and pHYs (pixels per metre) from a PNG without decoding pixels, so absurd
 * declared sizes can be refused before libpng/libvips ever allocate for them.
 */
export async function readPngHeader(handle: FileHandle, path: string): Promise<FlatHeader> {
  const buf = Buffer.alloc(8 + 21);
  let pos = 8;
  let header: FlatHeader | undefined;
  for (let n = 0; n < CHUNK_LIMIT; n++) {
    const { bytesRead } = await handle.read(buf, 0, 8, pos);
    if (bytesRead < 8) break;
    const length = buf.readUInt32BE(0);
    const type = buf.toString('latin1', 4, 8);
    if (type === 'IHDR' || type === 'pHYs') {
      const want = type === 'IHDR' ? 13 : 9;
      const got = (await handle.read(buf, 8, want, pos + 8)).bytesRead;
      if (length < want || got < want) break;
      if (type === 'IHDR') header = { width: buf.readUInt32BE(8), height: buf.readUInt32BE(12) };
      else if (header && buf[16] === 1) {
        // unit 1 = metre; unit 0 states only an aspect ratio. libvips writes 1000 px/m
        // (1 px/mm) when it knows nothing, which mppFromResolution rejects as implausible.
        const perMetre = buf.readUInt32BE(8);
        header.mpp = mppFromResolution(perMetre, 'metre');
        // 2835 and 3780 px/m are 72 and 96 dpi, software defaults rather than a measurement
        if (header.mpp === undefined && ![2835, 3780, 1000].includes(perMetre)) header.unusableMpp = `pHYs ${perMetre} pixels per metre`;
      }
    }
    if (type === 'IDAT' || type === 'IEND') break;
    pos += 12 + length;
  }
  if (!header) throw new SlideFormatError(`${path}: PNG header (IHDR) is missing or truncated; the file is corrupt`);
  return header;
}
