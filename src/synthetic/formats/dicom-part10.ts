/**
 * A small explicit-VR little-endian DICOM encoder for test slides: data elements, sequences of
 * items (defined lengths), and Part-10 files (preamble, 'DICM', file meta group). Enough to write
 * WSI series the way scanners export them; not a general DICOM writer.
 */
import { randomUUID } from 'node:crypto';

/** A tag as 0xGGGGEEEE. */
export type Tag = number;

export type DicomElement =
  | { tag: Tag; vr: 'AE' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UI' | 'UT'; value: string | (string | number)[] }
  | { tag: Tag; vr: 'US' | 'UL' | 'SL' | 'FL' | 'FD'; value: number | number[] }
  | { tag: Tag; vr: 'OB' | 'OW' | 'OV'; value: Uint8Array }
  | { tag: Tag; vr: 'SQ'; value: DicomElement[][] };

/** VRs with a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** A fresh UID under the UUID-derived root 2.25 (PS3.5 §B.2). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

function header(tag: Tag, vr: string, length: number): Buffer {
  const long = LONG_VRS.has(vr);
  const buf = Buffer.alloc(long ? 12 : 8);
  buf.writeUInt16LE(tag >>> 16, 0);
  buf.writeUInt16LE(tag & 0xffff, 2);
  buf.write(vr, 4, 'latin1');
  if (long) buf.writeUInt32LE(length, 8);
  else buf.writeUInt16LE(length, 6);
  return buf;
}

function valueBytes(el: DicomElement): Buffer {
  switch (el.vr) {
    case 'SQ':
      return Buffer.concat(el.value.map((item) => {
        const body = encodeDataSet(item);
        const h = Buffer.alloc(8);
        h.writeUInt32LE(0xe000fffe, 0);
        h.writeUInt32LE(body.length, 4);
        return Buffer.concat([h, body]);
      }));
    case 'OB': case 'OW': case 'OV': {
      const b = Buffer.from(el.value.buffer, el.value.byteOffset, el.value.length);
      return b.length % 2 ? Buffer.concat([b, Buffer.alloc(1)]) : b;
    }
    case 'US': case 'UL': case 'SL': case 'FL': case 'FD': {
      const nums = Array.isArray(el.value) ? el.value : [el.value];
      const size = el.vr === 'US' ? 2 : el.vr === 'FD' ? 8 : 4;
      const b = Buffer.alloc(nums.length * size);
      nums.forEach((n, i) => {
        if (el.vr === 'US') b.writeUInt16LE(n, i * 2);
        else if (el.vr === 'UL') b.writeUInt32LE(n, i * 4);
        else if (el.vr === 'SL') b.writeInt32LE(n, i * 4);
        else if (el.vr === 'FL') b.writeFloatLE(n, i * 4);
        else b.writeDoubleLE(n, i * 8);
      });
      return b;
    }
    default: {
      const s = Array.isArray(el.value) ? el.value.join('\\') : el.value;
      // odd lengths are padded: UIDs with NUL, text with a space (PS3.5 §6.2)
      const padded = s.length % 2 ? s + (el.vr === 'UI' ? '\0' : ' ') : s;
      return Buffer.from(padded, 'latin1');
    }
  }
}

export function encodeElement(el: DicomElement): Buffer {
  const value = valueBytes(el);
  return Buffer.concat([header(el.tag, el.vr, value.length), value]);
}

/** A data set: elements in ascending tag order, as the standard requires. */
export function encodeDataSet(elements: DicomElement[]): Buffer {
  return Buffer.concat([...elements].sort((a, b) => a.tag - b.tag).map(encodeElement));
}

/** Encapsulated Pixel Data: the Basic Offset Table item (empty, or filled), one item per frame, the delimiter. */
export function encapsulatedPixelData(frames: Uint8Array[], basicOffsetTable: boolean): { bytes: Buffer; frameOffsets: number[]; frameLengths: number[] } {
  const items: Buffer[] = [];
  const frameOffsets: number[] = [];
  const frameLengths: number[] = [];
  let at = 0;
  for (const f of frames) {
    const even = f.length % 2 ? Buffer.concat([Buffer.from(f), Buffer.alloc(1)]) : Buffer.from(f);
    const h = Buffer.alloc(8);
    h.writeUInt32LE(0xe000fffe, 0);
    h.writeUInt32LE(even.length, 4);
    frameOffsets.push(at);
    frameLengths.push(even.length);
    items.push(h, even);
    at += 8 + even.length;
  }
  const bot = Buffer.alloc(8 + (basicOffsetTable ? 4 * frames.length : 0));
  bot.writeUInt32LE(0xe000fffe, 0);
  bot.writeUInt32LE(bot.length - 8, 4);
  if (basicOffsetTable) frameOffsets.forEach((o, i) => bot.writeUInt32LE(o, 8 + 4 * i));
  const pixelHeader = header(0x7fe00010, 'OB', 0xffffffff);
  const delimiter = Buffer.alloc(8);
  delimiter.writeUInt32LE(0xe0ddfffe, 0);
  return { bytes: Buffer.concat([pixelHeader, bot, ...items, delimiter]), frameOffsets, frameLengths };
}

/** A whole Part-10 file: preamble, 'DICM', file meta (group 2), the data set, then `pixelData` (already encoded). */
export function part10(meta: { sopClass: string; sopInstance: string; transferSyntax: string }, dataSet: DicomElement[], pixelData: Buffer): Buffer {
  const metaElements = encodeDataSet([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
    { tag: 0x00020002, vr: 'UI', value: meta.sopClass },
    { tag: 0x00020003, vr: 'UI', value: meta.sopInstance },
    { tag: 0x00020010, vr: 'UI', value: meta.transferSyntax },
    { tag: 0x00020012, vr: 'UI', value: '1.2.826.0.1.3680043.10.1234.1' },
    { tag: 0x00020013, vr: 'SH', value: 'BIOPSYQUANT' },
  ]);
  const groupLength = encodeElement({ tag: 0x00020000, vr: 'UL', value: metaElements.length });
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, groupLength, metaElements, encodeDataSet(dataSet), pixelData]);
}
