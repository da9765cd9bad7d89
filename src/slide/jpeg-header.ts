import type { FileHandle } from 'node:fs/promises';
import { SlideFormatError } from '../domain/errors.js';
import type { FlatHeader } from './png-header.js';

const SEGMENT_LIMIT = 10_000;

/** Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Read dimensions (SOF) and JFIF density from a JPEG without decoding it. */
export async function readJpegHeader(handle: FileHandle, path: string): Promise<FlatHeader> {
  const buf = Buffer.alloc(16);
  let pos = 2;
  let mpp: number | undefined;
  for (let n = 0; n < SEGMENT_LIMIT; n++) {
    if ((await handle.read(buf, 0, 4, pos)).bytesRead < 4 || buf[0] !== 0xff) break;
    const marker = buf[1];
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    const length = buf.readUInt16BE(2);
    if (marker === 0xe0 && length >= 16) {
      await handle.read(buf, 0, 12, pos + 4);
      if (buf.toString('latin1', 0, 5) === 'JFIF\0') {
        const units = buf[7];
        const xDensity = buf.readUInt16BE(8);
        // units 1 = dots per inch, 2 = dots per cm, 0 = aspect ratio only
        if (xDensity > 0 && units === 1) mpp = 25_400 / xDensity;
        if (xDensity > 0 && units === 2) mpp = 10_000 / xDensity;
      }
    } else if (isStartOfFrame(marker)) {
      if ((await handle.read(buf, 0, 5, pos + 4)).bytesRead < 5) break;
      return { height: buf.readUInt16BE(1), width: buf.readUInt16BE(3), mpp };
    } else if (marker === 0xda || marker === 0xd9) break;
    pos += 2 + length;
  }
  throw new SlideFormatError(`${path}: JPEG has no readable frame header (SOF); the file is truncated or corrupt`);
}
