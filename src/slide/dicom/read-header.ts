import type { FileHandle } from 'node:fs/promises';
import dicomParser, { type DataSet } from 'dicom-parser';
import { SlideFormatError } from '../../errors/index.js';

/** Where an instance's pixel data lies in its file. */
export interface PixelDataLocation {
  /** file offset of the value: the first item tag when encapsulated, the first pixel when native */
  offset: number;
  /** value length in bytes; undefined for encapsulated (undefined-length) pixel data */
  length?: number;
  encapsulated: boolean;
  /** Extended Offset Table (7FE0,0001/0002): per-frame offsets from the first fragment, and lengths */
  extendedOffsets?: { offsets: number[]; lengths: number[] };
}

export interface InstanceHeader {
  dataSet: DataSet;
  transferSyntax: string;
  pixelData: PixelDataLocation;
  fileSize: number;
}

const PIXEL_DATA = 'x7fe00010';
/** (7FE0,0001) OV, explicit VR LE: dicom-parser 1.8 does not know OV's 4-byte length, so this part is ours */
const EOT_SIGNATURE = Buffer.from([0xe0, 0x7f, 0x01, 0x00, 0x4f, 0x56]);
/**
 * First read of a header. WSI headers are a few KB, except TILED_SPARSE ones whose per-frame
 * functional groups take ~100 bytes per frame (a 100k-frame level: ~10 MB): the read doubles until
 * the header fits, so small headers cost one small read and big ones a few.
 */
const FIRST_HEADER_READ = 256 * 1024;
/** A header beyond this is not a WSI header (the whole file would be parsed in memory). */
const MAX_HEADER_BYTES = 256 * 1024 * 1024;

function parserMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'exception' in err) return String((err as { exception: unknown }).exception);
  return err instanceof Error ? err.message : String(err);
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

/** Read a little-endian OV value (64-bit unsigned) as numbers; offsets beyond 2^53 are not files we can read anyway. */
function readOv(buf: Buffer, from: number, length: number): number[] {
  const out: number[] = [];
  for (let p = from; p + 8 <= from + length; p += 8) out.push(Number(buf.readBigUInt64LE(p)));
  return out;
}

type Attempt = { ok: true; header: Omit<InstanceHeader, 'fileSize'> } | { ok: false; why: string };

/** One parse of the first `buf.length` bytes; not ok when the header runs past them (or is corrupt). */
function tryParse(buf: Buffer): Attempt {
  const eotAt = buf.indexOf(EOT_SIGNATURE, 132);
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(eotAt > 0 ? buf.subarray(0, eotAt) : buf, eotAt > 0 ? {} : { untilTag: PIXEL_DATA });
  } catch (err) {
    return { ok: false, why: parserMessage(err) };
  }
  const transferSyntax = dataSet.string('x00020010') ?? '';
  if (eotAt > 0) {
    // (7FE0,0001) OV, (7FE0,0002) OV, (7FE0,0010) OB: each tag 4 + VR 2 + reserved 2 + length 4
    let p = eotAt;
    const element = (tag: number): { value: number; length: number } | undefined => {
      if (p + 12 > buf.length || buf.readUInt16LE(p) !== 0x7fe0 || buf.readUInt16LE(p + 2) !== tag) return undefined;
      const length = buf.readUInt32LE(p + 8);
      const value = p + 12;
      p = length === 0xffffffff ? value : value + length;
      return { value, length };
    };
    const eot = element(0x0001);
    const eotLengths = element(0x0002);
    const pixels = element(0x0010);
    if (!eot || !eotLengths || !pixels || p > buf.length) return { ok: false, why: 'the Extended Offset Table or Pixel Data header runs past the bytes read' };
    return {
      ok: true,
      header: {
        dataSet,
        transferSyntax,
        pixelData: {
          offset: pixels.value,
          encapsulated: pixels.length === 0xffffffff,
          length: pixels.length === 0xffffffff ? undefined : pixels.length,
          extendedOffsets: { offsets: readOv(buf, eot.value, eot.length), lengths: readOv(buf, eotLengths.value, eotLengths.length) },
        },
      },
    };
  }
  const pixels = dataSet.elements[PIXEL_DATA];
  if (!pixels) return { ok: false, why: 'no Pixel Data element (7FE0,0010) found' };
  const encapsulated = pixels.length === 0xffffffff;
  return { ok: true, header: { dataSet, transferSyntax, pixelData: { offset: pixels.dataOffset, encapsulated, length: encapsulated ? undefined : pixels.length } } };
}

/**
 * Parse a Part-10 file's data set up to its Pixel Data, reading only as much of the file as the
 * header takes. The pixel data itself is never read here.
 */
export async function readInstanceHeader(path: string, handle: FileHandle, fileSize: number): Promise<InstanceHeader> {
  let size = Math.min(fileSize, FIRST_HEADER_READ);
  for (;;) {
    const attempt = tryParse(await readAt(handle, 0, size));
    if (attempt.ok) return { ...attempt.header, fileSize };
    if (size >= fileSize || size >= MAX_HEADER_BYTES) {
      const why = size >= fileSize ? `the file ends inside its DICOM header or has no pixel data (${attempt.why}); it is truncated or corrupt` : `its DICOM header is over ${MAX_HEADER_BYTES / 2 ** 20} MB`;
      throw new SlideFormatError(`${path}: ${why}`);
    }
    size = Math.min(fileSize, size * 2, MAX_HEADER_BYTES);
  }
}
