import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RgbRaster } from '../../image/raster.js';
import { dicomPyramid, writeDicomWsi, type DicomWsiOptionsInput, type DicomWsiTamper } from '../formats/dicom-wsi-writer.js';

/**
 * Crafted DICOM WSI series (one folder per slide) for the hostile corpus: frames missing behind a
 * larger Number of Frames, Pixel Data missing, offset tables pointing off the file, absurd matrix
 * and tile sizes, nonsense pixel spacing, a corrupt JPEG frame. Built with the synthetic writer
 * (with its tamper hooks) and then patched byte by byte where the writer has no hook.
 */
export interface DicomKind {
  options?: Partial<DicomWsiOptionsInput>;
  tamper?: DicomWsiTamper;
  /** write only the finest level (no coarser level whose size would contradict a patched one) */
  singleLevel?: boolean;
  /** patch the finest level's file (level-0.dcm) after writing */
  patch?: (level0: Buffer) => Buffer;
}

/** Explicit VR little-endian element header: group, element, VR. */
function tagBytes(group: number, element: number, vr: string): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16LE(group, 0);
  b.writeUInt16LE(element, 2);
  b.write(vr, 4, 'latin1');
  return b;
}

/** The value offset of the first element (group, element, VR) with a 2-byte length (US, UL, IS …). */
function valueAt(b: Buffer, group: number, element: number, vr: string): number {
  const at = b.indexOf(tagBytes(group, element, vr), 132);
  if (at < 0) throw new RangeError(`no (${group.toString(16)},${element.toString(16)}) ${vr}`);
  return at + 8;
}

function pixelDataTag(b: Buffer): number {
  const at = b.lastIndexOf(tagBytes(0x7fe0, 0x0010, 'OB'));
  if (at < 0) throw new RangeError('no Pixel Data');
  return at;
}

function garbageOver(b: Buffer, from: number, n: number): void {
  let s = 3;
  for (let i = from; i < from + n && i < b.length - 16; i++) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    b[i] = s >>> 16;
  }
}

export const DICOM_KINDS: Record<string, DicomKind> = {
  'dicom-missing-frames-basic-table': { options: { offsetTable: 'basic' }, tamper: { extraFrames: 3 } },
  'dicom-missing-frames-extended-table': { options: { offsetTable: 'extended' }, tamper: { extraFrames: 3 } },
  'dicom-missing-frames-no-table': { options: { offsetTable: 'none' }, tamper: { extraFrames: 3 } },
  'dicom-missing-frames-native': { options: { codec: 'native' }, tamper: { extraFrames: 3 } },
  'dicom-frames-2e9': { tamper: { extraFrames: 2 ** 31 - 100 } },
  /** the level-0 file cut just before its Pixel Data element */
  'dicom-no-pixel-data': { patch: (b) => b.subarray(0, pixelDataTag(b)) },
  /** the Pixel Data tag renamed: the header parses, no pixel data follows */
  'dicom-pixel-data-renamed': {
    options: { codec: 'native' },
    patch: (b) => {
      const out = Buffer.from(b);
      out.writeUInt16LE(0x0011, pixelDataTag(b) + 2);
      return out;
    },
  },
  /** an Extended Offset Table giving frame 1 a length of 2^40 bytes */
  'dicom-eot-length-absurd': {
    options: { offsetTable: 'extended' },
    patch: (b) => {
      const out = Buffer.from(b);
      const at = out.indexOf(Buffer.concat([tagBytes(0x7fe0, 0x0002, 'OV'), Buffer.alloc(2)]), 132);
      out.writeBigUInt64LE(2n ** 40n, at + 12);
      return out;
    },
  },
  /** an Extended Offset Table putting frame 2 at 2^50 */
  'dicom-eot-offset-absurd': {
    options: { offsetTable: 'extended' },
    patch: (b) => {
      const out = Buffer.from(b);
      const at = out.indexOf(Buffer.concat([tagBytes(0x7fe0, 0x0001, 'OV'), Buffer.alloc(2)]), 132);
      out.writeBigUInt64LE(2n ** 50n, at + 12 + 8);
      return out;
    },
  },
  /** the Basic Offset Table's last entry points 2 GB into the pixel data */
  'dicom-bot-offset-past-end': {
    options: { offsetTable: 'basic' },
    patch: (b) => {
      const out = Buffer.from(b);
      const item = pixelDataTag(b) + 12;
      const length = out.readUInt32LE(item + 4);
      out.writeUInt32LE(0x7ffffff0, item + 8 + length - 4);
      return out;
    },
  },
  /** Total Pixel Matrix 10⁶ × 10⁶ */
  'dicom-declared-1e6-square': {
    patch: (b) => {
      const out = Buffer.from(b);
      out.writeUInt32LE(1_000_000, valueAt(out, 0x0048, 0x0006, 'UL'));
      out.writeUInt32LE(1_000_000, valueAt(out, 0x0048, 0x0007, 'UL'));
      return out;
    },
  },
  /** 1 × 1 px tiles over a 100 000 × 100 000 matrix: 10¹⁰ tiles */
  'dicom-tile-count-overflow': {
    singleLevel: true,
    patch: (b) => {
      const out = Buffer.from(b);
      out.writeUInt32LE(100_000, valueAt(out, 0x0048, 0x0006, 'UL'));
      out.writeUInt32LE(100_000, valueAt(out, 0x0048, 0x0007, 'UL'));
      out.writeUInt16LE(1, valueAt(out, 0x0028, 0x0010, 'US'));
      out.writeUInt16LE(1, valueAt(out, 0x0028, 0x0011, 'US'));
      return out;
    },
  },
  /** Rows and Columns 0 */
  'dicom-tile-size-zero': {
    patch: (b) => {
      const out = Buffer.from(b);
      out.writeUInt16LE(0, valueAt(out, 0x0028, 0x0010, 'US'));
      out.writeUInt16LE(0, valueAt(out, 0x0028, 0x0011, 'US'));
      return out;
    },
  },
  'dicom-mpp-nan': { tamper: { levelMpp: () => NaN } },
  'dicom-mpp-negative': { tamper: { levelMpp: (_k, mpp) => -mpp } },
  'dicom-mpp-zero': { tamper: { levelMpp: () => 0 } },
  'dicom-mpp-absurd': { tamper: { levelMpp: (_k, mpp) => mpp * 1e7 } },
  /** garbage inside one level-0 JPEG frame; every other frame intact */
  'dicom-corrupt-jpeg-frame': {
    patch: (b) => {
      const out = Buffer.from(b);
      const soi = Buffer.from([0xff, 0xd8, 0xff]);
      const starts: number[] = [];
      for (let at = out.indexOf(soi, pixelDataTag(b)); at >= 0; at = out.indexOf(soi, at + 3)) starts.push(at);
      const mid = starts[Math.floor(starts.length / 2)];
      const end = starts[Math.floor(starts.length / 2) + 1] ?? out.length - 8;
      garbageOver(out, mid + Math.floor((end - mid) * 0.3), Math.floor((end - mid) * 0.4));
      return out;
    },
  },
};

/** Write the series of `kind` for `level0` into folder `<dir>/<name>`; answers the folder. */
export async function writeDamagedDicom(level0: RgbRaster, mpp: number, dir: string, name: string, kind: DicomKind): Promise<string> {
  const folder = join(dir, name);
  const pyramid = await dicomPyramid(level0, 256);
  const levels = kind.singleLevel ? pyramid.slice(0, 1) : pyramid;
  await writeDicomWsi(folder, levels, { mpp, label: 'none', ...kind.options }, kind.tamper ?? {});
  if (kind.patch) {
    const f = join(folder, 'level-0.dcm');
    await writeFile(f, kind.patch(await readFile(f)));
  }
  return folder;
}
