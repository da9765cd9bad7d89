import type { FileHandle } from 'node:fs/promises';

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
  const buf = async (at: number, length: number): Promise<Buffer> => {
    const b = Buffer.alloc(length);
    const { bytesRead } = await handle.read(b, 0, length, at);
    return b.subarray(0, bytesRead);
  };
  const u16 = (b: Buffer, at: number) => (littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const u64 = (b: Buffer, at: number) => Number(littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));

  const header = await buf(0, 16);
  const ifdAt = big ? u64(header, 8) : u32(header, 4);
  const countBytes = await buf(ifdAt, big ? 8 : 2);
  if (countBytes.length < (big ? 8 : 2)) throw new Error('first IFD lies past the end of the file');
  const count = big ? u64(countBytes, 0) : u16(countBytes, 0);
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
    const n = big ? u64(entries, at + 4) : u32(entries, at + 4);
    const inline = big ? 8 : 4;
    const valueAt = at + (big ? 12 : 8);
    const length = Math.min(n, MAX_TEXT);
    const bytes = n <= inline ? entries.subarray(valueAt, valueAt + n) : await buf(big ? u64(entries, valueAt) : u32(entries, valueAt), length);
    out[field] = bytes.toString('utf8').replace(/\0+$/, '');
  }
  out.tiled = tags.has(322);
  return out;
}
