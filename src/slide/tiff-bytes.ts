import type { FileHandle } from 'node:fs/promises';

/** Up to `length` bytes of the file from `at` (fewer at the end of the file). */
export async function readAt(handle: FileHandle, at: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  const { bytesRead } = await handle.read(b, 0, length, at);
  return b.subarray(0, bytesRead);
}

/** Reading a (Big)TIFF's own numbers: its byte order, and offsets and counts 4 bytes wide (TIFF) or 8 (BigTIFF). */
export interface TiffBytes {
  read(at: number, length: number): Promise<Buffer>;
  u16(b: Buffer, at: number): number;
  /** an offset or a count: 32-bit in TIFF, 64-bit in BigTIFF */
  word(b: Buffer, at: number): number;
  big: boolean;
}

export function tiffBytes(handle: FileHandle, littleEndian: boolean, big: boolean): TiffBytes {
  return {
    read: (at, length) => readAt(handle, at, length),
    u16: (b, at) => (littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at)),
    word: big
      ? (b, at) => Number(littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at))
      : (b, at) => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at)),
    big,
  };
}
