import { createDeflate } from 'node:zlib';
import zlib from 'node:zlib';
import sharp from 'sharp';

/**
 * Crafted PNG and JPEG files for the hostile corpus: decompression bombs (a small file whose
 * declared or decoded size is huge), absurd and empty declared sizes, nonsense resolutions and a
 * corrupt scan. Deterministic: the same bytes every run.
 */

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function ihdr(width: number, height: number, colourType: number): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = 8;
  d[9] = colourType;
  return chunk('IHDR', d);
}

function phys(pixelsPerMetre: number): Buffer {
  const d = Buffer.alloc(9);
  d.writeUInt32BE(pixelsPerMetre, 0);
  d.writeUInt32BE(pixelsPerMetre, 4);
  d[8] = 1;
  return chunk('pHYs', d);
}

/** zlib stream of `rows` rows of `rowBytes` zero samples (filter byte 0 each), compressed as it is made. */
async function zeroRows(rows: number, rowBytes: number): Promise<Buffer> {
  const z = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise<void>((resolve, reject) => {
    z.on('end', resolve);
    z.on('error', reject);
  });
  const row = Buffer.alloc(rowBytes + 1);
  const block = Buffer.concat(Array.from({ length: 64 }, () => row));
  for (let y = 0; y < rows; y += 64) {
    if (!z.write(y + 64 <= rows ? block : block.subarray(0, (rows - y) * row.length))) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(parts);
}

/** A grey PNG of `width` × `height` zeros: valid, every byte decodes, the file is ~1/1000 of the pixels. */
export async function pngBomb(width: number, height: number): Promise<Buffer> {
  return Buffer.concat([PNG_MAGIC, ihdr(width, height, 0), chunk('IDAT', await zeroRows(height, width)), chunk('IEND', Buffer.alloc(0))]);
}

/** A PNG whose header declares `width` × `height` over one tiny IDAT. */
export function pngDeclaring(width: number, height: number, extra: Buffer[] = []): Buffer {
  return Buffer.concat([PNG_MAGIC, ihdr(width, height, 2), ...extra, chunk('IDAT', zlib.deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

/** A valid 64 × 64 RGB PNG stating `pixelsPerMetre` (0: a nonsense resolution; 1: 10⁶ µm/px). */
export async function pngWithResolution(pixelsPerMetre: number): Promise<Buffer> {
  const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 150, b: 180 } } }).png().toBuffer();
  // pHYs goes right after IHDR (8 magic + 25 IHDR bytes)
  return Buffer.concat([good.subarray(0, 33), phys(pixelsPerMetre), good.subarray(33)]);
}

/** A PNG whose first chunk claims 2 GB: the header reader must not follow it off the file. */
export function pngChunkLengthAbsurd(): Buffer {
  const bad = Buffer.alloc(12);
  bad.writeUInt32BE(0x7ffffff0, 0);
  bad.write('tEXt', 4, 'latin1');
  return Buffer.concat([PNG_MAGIC, bad, pngDeclaring(64, 64).subarray(8)]);
}

/** A uniform JPEG of `width` × `height` at quality 1: every MCU a few bits, ~1/1000 of the pixels. */
export async function jpegBomb(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } }, limitInputPixels: false }).jpeg({ quality: 1, chromaSubsampling: '4:2:0' }).toBuffer();
}

/** `good` (a JPEG) with its frame header's height and width overwritten. */
export function jpegDeclaring(good: Buffer, width: number, height: number): Buffer {
  const b = Buffer.from(good);
  for (let p = 2; p + 9 < b.length; ) {
    const marker = b[p + 1];
    if (marker >= 0xc0 && marker <= 0xc3) {
      b.writeUInt16BE(height, p + 5);
      b.writeUInt16BE(width, p + 7);
      return b;
    }
    p += 2 + b.readUInt16BE(p + 2);
  }
  throw new RangeError('jpegDeclaring: no SOF');
}

/** `good` (a JPEG) re-encoded without EXIF, with a JFIF segment of `dpi` dots per inch (0: nonsense; 1: 25 400 µm/px). */
export async function jpegWithDensity(good: Buffer, dpi: number): Promise<Buffer> {
  const b = await sharp(good).jpeg({ quality: 90 }).toBuffer();
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0, 0, 0, 0, 0x00, 0x00]);
  app0.writeUInt16BE(dpi, 12);
  app0.writeUInt16BE(dpi, 14);
  return Buffer.concat([b.subarray(0, 2), app0, b.subarray(2)]);
}

/** `good` (a JPEG) with garbage over the middle of its scan. */
export function jpegCorruptScan(good: Buffer): Buffer {
  const b = Buffer.from(good);
  const sos = b.indexOf(Buffer.from([0xff, 0xda]));
  const from = sos + Math.floor((b.length - sos) * 0.4);
  let s = 5;
  for (let i = from; i < from + Math.floor((b.length - sos) * 0.2); i++) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    b[i] = s >>> 16;
  }
  return b;
}
