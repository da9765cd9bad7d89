import type { FileHandle } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';
import type { FlatHeader } from './png-header.js';

const SEGMENT_LIMIT = 10_000;

/** Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Read a JPEG's dimensions (SOF) without decoding it. The pixel size is left to libvips'
 * header read, which understands both JFIF and EXIF resolution.
 */
export async function readJpegHeader(handle: FileHandle, path: string): Promise<FlatHeader> {
  const buf = Buffer.alloc(16);
  let pos = 2;
  for (let n = 0; n < SEGMENT_LIMIT; n++) {
    if ((await handle.read(buf, 0, 4, pos)).bytesRead < 4 || buf[0] !== 0xff) break;
    const marker = buf[1];
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    const length = buf.readUInt16BE(2);
    if (isStartOfFrame(marker)) {
      if ((await handle.read(buf, 0, 5, pos + 4)).bytesRead < 5) break;
      return { height: buf.readUInt16BE(1), width: buf.readUInt16BE(3) };
    } else if (marker === 0xda || marker === 0xd9) break;
    pos += 2 + length;
  }
  throw new SlideFormatError(`${path}: JPEG has no readable frame header (SOF); the file is truncated or corrupt`);
}
