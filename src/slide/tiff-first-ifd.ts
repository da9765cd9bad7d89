import type { FileHandle } from 'node:fs/promises';
import { tiffBytes } from './tiff-bytes.js';

/**
 * The first IFD's tags that tell scanner TIFFs apart, read straight from the file (a few hundred
 * bytes, no decoder, no OpenSlide): what the vendor readers of OpenSlide 3.4.1 test in their
 * detect step, so a slide is routed by content even when libopenslide is missing.
 */
export interface FirstIfdTags {
  tiled: boolean;
  description?: string;
  software?: string;
  /** TIFF tag 700, where Ventana BIF keeps its iScan XML */
  xmp?: string;
  /** Compression (259) of the first page: JPEG 2000 SVS goes to OpenSlide */
  compression?: number;
  /** tags present in the IFD, numerically */
  tags: Set<number>;
}

const TEXT_TAGS = { description: 270, software: 305, xmp: 700 } as const;
/** longer text values are cut (an XML header says enough about the vendor) */
const MAX_TEXT = 64 * 1024;

export async function readFirstIfdTags(handle: FileHandle, littleEndian: boolean, big: boolean): Promise<FirstIfdTags> {
  const { read: buf, u16, word } = tiffBytes(handle, littleEndian, big);

  const header = await buf(0, 16);
  const ifdAt = word(header, big ? 8 : 4);
  const countBytes = await buf(ifdAt, big ? 8 : 2);
  if (countBytes.length < (big ? 8 : 2)) throw new Error('first IFD lies past the end of the file');
  const count = big ? word(countBytes, 0) : u16(countBytes, 0);
  const entrySize = big ? 20 : 12;
  const entries = await buf(ifdAt + countBytes.length, count * entrySize);
  if (entries.length < count * entrySize) throw new Error('first IFD is cut off');

  const tags = new Set<number>();
  const out: FirstIfdTags = { tiled: false, tags };
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const tag = u16(entries, at);
    tags.add(tag);
    if (tag === 259) out.compression = u16(entries, at + (big ? 12 : 8));
    const field = (Object.keys(TEXT_TAGS) as (keyof typeof TEXT_TAGS)[]).find((k) => TEXT_TAGS[k] === tag);
    if (!field) continue;
    const n = word(entries, at + 4);
    const inline = big ? 8 : 4;
    const valueAt = at + (big ? 12 : 8);
    const length = Math.min(n, MAX_TEXT);
    const bytes = n <= inline ? entries.subarray(valueAt, valueAt + n) : await buf(word(entries, valueAt), length);
    out[field] = bytes.toString('utf8').replace(/\0+$/, '');
  }
  out.tiled = tags.has(322);
  return out;
}
