import { open, type FileHandle } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbRaster } from '../image/raster.js';

/**
 * A minimal TIFF/BigTIFF writer for pyramids whose layout we choose ourselves: SVS-style files
 * (Aperio description, strip thumbnail, label), OME-TIFF (OME-XML description) and synthetic test
 * slides. libvips cannot write an arbitrary ImageDescription or IFD layout, so this exists.
 * Output is little-endian, 8-bit RGB, chunky. JPEG tiles are complete JFIF streams from sharp
 * stored with Photometric = YCbCr and 2×2 subsampling, which is what libtiff (libvips) and geotiff
 * both decode to the right RGB (Photometric = RGB would make libtiff skip the colour conversion).
 * Pages are written one at a time: only one tile row of encoded data is held in memory.
 */

/** A level produced on demand, so a huge synthetic level never has to exist in memory whole. */
export interface TileSource {
  width: number;
  height: number;
  /** the pixels of [x, x+w) × [y, y+h), fully inside the image */
  region(x: number, y: number, width: number, height: number): RgbRaster | Promise<RgbRaster>;
}

export type LevelImage = RgbRaster | TileSource;

/** A page with a layout of its own (SVS thumbnail, label, macro). Plain images become tiled levels. */
export interface TiffPage {
  image: LevelImage;
  layout?: 'tiled' | 'strip';
  description?: string;
  /** NewSubfileType; default 0 for the first page, 1 (reduced resolution) for later tiled pages */
  subfileType?: number;
  compression?: 'jpeg' | 'none';
  /** write X/YResolution for this page (default: only tiled pages, scaled from level 0) */
  resolution?: boolean;
  /** µm/px of this page, when it is not level 0's scaled by width (an SCN macro before the main image) */
  mpp?: number;
  /** vendor tags of this page (Ventana's XMP packet, tag 700) */
  tags?: Entry[];
}

export interface WriteTiffOptions {
  tileSize: number;
  compression: 'jpeg' | 'none';
  /** ImageDescription of the first page */
  description?: string;
  /** Software tag of the first page (Philips TIFF is recognised by it) */
  software?: string;
  bigtiff?: boolean;
  /** µm/px of the first page; written as X/YResolution in pixels per cm, scaled per level */
  mpp?: number;
  /** JPEG quality, 1–100 */
  quality?: number;
  /** JPEG chroma subsampling, default 4:2:0 */
  chroma?: Chroma;
  /**
   * Store reduced tiled levels as SubIFDs of the first page (the OME-TIFF pyramid layout of
   * Bio-Formats 6+) instead of as later pages. Strip pages still follow in the main chain.
   */
  subifds?: boolean;
}

export const SHORT = 3;
export const LONG = 4;
export const RATIONAL = 5;
export const ASCII = 2;
export const SLONG = 9;
export const FLOAT = 11;
export const LONG8 = 16;
/** bytes per element of Entry.values (a RATIONAL is two LONG elements: numerator, denominator) */
const ELEMENT_SIZE: Record<number, number> = { [ASCII]: 1, [SHORT]: 2, [LONG]: 4, [RATIONAL]: 4, [SLONG]: 4, [FLOAT]: 4, [LONG8]: 8 };

/** One IFD entry; vendor writers (NDPI, SCN, Philips) add their own tags. */
export interface Entry {
  tag: number;
  type: number;
  values: number[] | Uint8Array;
}

function isRaster(image: LevelImage): image is RgbRaster {
  return 'data' in image;
}

export function regionOf(image: LevelImage, x: number, y: number, w: number, h: number): RgbRaster | Promise<RgbRaster> {
  if (!isRaster(image)) return image.region(x, y, w, h);
  const out = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * image.width + x) * 3;
    out.set(image.data.subarray(from, from + w * 3), row * w * 3);
  }
  return { width: w, height: h, channels: 3, data: out };
}

/** TIFF tiles are always full size; pad by repeating the last column/row so JPEG blocks at the edge stay smooth. */
export function padTile(src: RgbRaster, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const rowBytes = src.width * 3;
  for (let row = 0; row < size; row++) {
    const srcRow = Math.min(row, src.height - 1) * rowBytes;
    const dst = row * size * 3;
    out.set(src.data.subarray(srcRow, srcRow + rowBytes), dst);
    for (let col = src.width; col < size; col++) out.copyWithin(dst + col * 3, dst + (src.width - 1) * 3, dst + src.width * 3);
  }
  return out;
}

/** JPEG chroma subsampling: 4:2:0 as most scanners write, 4:4:4 to keep thin stained rims' colour */
export type Chroma = '4:2:0' | '4:4:4';

async function encode(pixels: Uint8Array, width: number, height: number, compression: 'jpeg' | 'none', quality: number, chroma: Chroma = '4:2:0'): Promise<Uint8Array> {
  if (compression === 'none') return pixels;
  return encodeJpegTile(pixels, width, height, quality, chroma);
}

/** A JFIF tile, 4:2:0 YCbCr by default as scanners write them (the DICOM WSI writer uses it too, so both formats hold the same JPEG bytes). */
export function encodeJpegTile(pixels: Uint8Array, width: number, height: number, quality: number, chroma: Chroma = '4:2:0'): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: chroma, optimiseCoding: true })
    .toBuffer();
}

/** Pixels per cm as a TIFF RATIONAL, keeping the numerator inside 32 bits. */
export function rational(value: number): [number, number] {
  let den = 1_000_000;
  while (den > 1 && value * den > 0xffffffff) den /= 10;
  return [Math.round(value * den), den];
}

/** A TIFF being written: appends data, then IFDs that point at it. */
export class TiffFile {
  private pos: number;
  /** where the pointer to the next IFD must be patched in */
  private nextPointerAt: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly big: boolean,
  ) {
    this.pos = big ? 16 : 8;
    this.nextPointerAt = big ? 8 : 4;
  }

  static async create(path: string, big: boolean): Promise<TiffFile> {
    const handle = await open(path, 'w');
    const header = Buffer.alloc(big ? 16 : 8);
    header.write('II', 0, 'latin1');
    header.writeUInt16LE(big ? 43 : 42, 2);
    if (big) header.writeUInt16LE(8, 4); // offset size; bytes 6–7 are zero
    await handle.write(header, 0, header.length, 0);
    return new TiffFile(handle, big);
  }

  async append(bytes: Uint8Array): Promise<number> {
    const at = this.pos;
    if (!this.big && at + bytes.length > 0xffffffff) throw new RangeError('classic TIFF would exceed 4 GiB; write it as BigTIFF');
    await this.handle.write(bytes, 0, bytes.length, at);
    this.pos += bytes.length;
    // IFDs and values must start on a word boundary
    if (this.pos % 2) await this.append(new Uint8Array(1));
    return at;
  }

  private encodeValues(e: Entry): Buffer {
    const n = e.values.length;
    const buf = Buffer.alloc(n * ELEMENT_SIZE[e.type]);
    for (let i = 0; i < n; i++) {
      const v = e.values[i];
      if (e.type === ASCII) buf[i] = v;
      else if (e.type === SHORT) buf.writeUInt16LE(v, i * 2);
      else if (e.type === LONG) buf.writeUInt32LE(v, i * 4);
      else if (e.type === LONG8) buf.writeBigUInt64LE(BigInt(v), i * 8);
      else if (e.type === SLONG) buf.writeInt32LE(v, i * 4);
      else if (e.type === FLOAT) buf.writeFloatLE(v, i * 4);
      else if (e.type === RATIONAL) buf.writeUInt32LE(v, i * 4); // values hold num, den pairs
    }
    return buf;
  }

  /** Write an IFD; `chained` links it into the main page chain, otherwise it stands alone (a SubIFD). Returns its offset. */
  async writeIfd(entries: Entry[], chained = true): Promise<number> {
    entries.sort((a, b) => a.tag - b.tag);
    const inline = this.big ? 8 : 4;
    const entrySize = this.big ? 20 : 12;
    const payloads = entries.map((e) => this.encodeValues(e));
    // out-of-line values first, then the IFD that points at them
    const valueOffsets: number[] = [];
    for (const p of payloads) valueOffsets.push(p.length > inline ? await this.append(p) : -1);

    const countSize = this.big ? 8 : 2;
    const ifd = Buffer.alloc(countSize + entries.length * entrySize + inline);
    if (this.big) ifd.writeBigUInt64LE(BigInt(entries.length), 0);
    else ifd.writeUInt16LE(entries.length, 0);
    entries.forEach((e, i) => {
      const at = countSize + i * entrySize;
      const count = e.type === RATIONAL ? e.values.length / 2 : e.values.length;
      ifd.writeUInt16LE(e.tag, at);
      ifd.writeUInt16LE(e.type, at + 2);
      if (this.big) ifd.writeBigUInt64LE(BigInt(count), at + 4);
      else ifd.writeUInt32LE(count, at + 4);
      const valueAt = at + (this.big ? 12 : 8);
      if (valueOffsets[i] >= 0) {
        if (this.big) ifd.writeBigUInt64LE(BigInt(valueOffsets[i]), valueAt);
        else ifd.writeUInt32LE(valueOffsets[i], valueAt);
      } else payloads[i].copy(ifd, valueAt);
    });
    const ifdAt = await this.append(ifd);
    if (!chained) return ifdAt;
    const pointer = Buffer.alloc(inline);
    if (this.big) pointer.writeBigUInt64LE(BigInt(ifdAt), 0);
    else pointer.writeUInt32LE(ifdAt, 0);
    await this.handle.write(pointer, 0, inline, this.nextPointerAt);
    this.nextPointerAt = ifdAt + ifd.length - inline;
    return ifdAt;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

function toPage(item: LevelImage | TiffPage): TiffPage {
  return 'image' in item ? item : { image: item };
}

/**
 * Write `levels` (level 0 first) as a TIFF with one IFD per page. Plain images become tiled
 * levels; `TiffPage` entries may instead be strips (SVS thumbnail, label, macro).
 */
export async function writeTiledTiff(
  path: string,
  levels: Iterable<LevelImage | TiffPage> | AsyncIterable<LevelImage | TiffPage>,
  opts: WriteTiffOptions,
): Promise<void> {
  const { tileSize, bigtiff = false, quality = 85 } = opts;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0) throw new RangeError(`tileSize must be a multiple of 16, got ${tileSize}`);
  const file = await TiffFile.create(path, bigtiff);
  const offsetType = bigtiff ? LONG8 : LONG;
  // in SubIFD mode the first page's IFD waits until its reduced levels are written
  let firstIfd: Entry[] | undefined;
  const subIfdOffsets: number[] = [];
  const flushFirst = async (): Promise<void> => {
    if (!firstIfd) return;
    if (subIfdOffsets.length > 0) firstIfd.push({ tag: 330, type: offsetType, values: subIfdOffsets });
    await file.writeIfd(firstIfd);
    firstIfd = undefined;
  };
  try {
    let index = 0;
    let baseWidth = 0;
    for await (const item of levels) {
      const page = toPage(item);
      const { width, height } = page.image;
      if (index === 0) baseWidth = width;
      const layout = page.layout ?? 'tiled';
      const compression = page.compression ?? opts.compression;
      const offsets: number[] = [];
      const counts: number[] = [];

      if (layout === 'tiled') {
        const across = Math.ceil(width / tileSize);
        const down = Math.ceil(height / tileSize);
        for (let ty = 0; ty < down; ty++) {
          // one row of tiles encodes concurrently (libuv pool), then is written in order
          const row = await Promise.all(
            Array.from({ length: across }, async (_, tx) => {
              const x = tx * tileSize;
              const y = ty * tileSize;
              const src = await regionOf(page.image, x, y, Math.min(tileSize, width - x), Math.min(tileSize, height - y));
              return encode(padTile(src, tileSize), tileSize, tileSize, compression, quality, opts.chroma);
            }),
          );
          for (const bytes of row) {
            offsets.push(await file.append(bytes));
            counts.push(bytes.length);
          }
        }
      } else {
        const src = await regionOf(page.image, 0, 0, width, height);
        const bytes = await encode(src.data, width, height, compression, quality, opts.chroma);
        offsets.push(await file.append(bytes));
        counts.push(bytes.length);
      }

      const description = index === 0 ? (page.description ?? opts.description) : page.description;
      const entries: Entry[] = [
        { tag: 254, type: LONG, values: [page.subfileType ?? (index > 0 && layout === 'tiled' ? 1 : 0)] },
        { tag: 256, type: LONG, values: [width] },
        { tag: 257, type: LONG, values: [height] },
        { tag: 258, type: SHORT, values: [8, 8, 8] },
        { tag: 259, type: SHORT, values: [compression === 'jpeg' ? 7 : 1] },
        { tag: 262, type: SHORT, values: [compression === 'jpeg' ? 6 : 2] },
        { tag: 277, type: SHORT, values: [3] },
        { tag: 284, type: SHORT, values: [1] },
      ];
      if (description !== undefined) entries.push({ tag: 270, type: ASCII, values: Buffer.from(`${description}\0`, 'utf8') });
      if (compression === 'jpeg') entries.push({ tag: 530, type: SHORT, values: opts.chroma === '4:4:4' ? [1, 1] : [2, 2] });
      if (layout === 'tiled') {
        entries.push(
          { tag: 322, type: LONG, values: [tileSize] },
          { tag: 323, type: LONG, values: [tileSize] },
          { tag: 324, type: offsetType, values: offsets },
          { tag: 325, type: offsetType, values: counts },
        );
      } else {
        entries.push(
          { tag: 273, type: offsetType, values: offsets },
          { tag: 278, type: LONG, values: [height] },
          { tag: 279, type: offsetType, values: counts },
        );
      }
      if (page.tags) entries.push(...page.tags);
      if (index === 0 && opts.software !== undefined) entries.push({ tag: 305, type: ASCII, values: Buffer.from(`${opts.software}\0`, 'utf8') });
      const pageMpp = page.mpp ?? (opts.mpp === undefined ? undefined : opts.mpp * (baseWidth / width));
      if (pageMpp !== undefined && (page.resolution ?? layout === 'tiled')) {
        const pxPerCm = 10_000 / pageMpp;
        const r = rational(pxPerCm);
        entries.push(
          { tag: 282, type: RATIONAL, values: r },
          { tag: 283, type: RATIONAL, values: r },
          { tag: 296, type: SHORT, values: [3] },
        );
      }
      if (opts.subifds && index === 0) firstIfd = entries;
      else if (opts.subifds && layout === 'tiled' && firstIfd) subIfdOffsets.push(await file.writeIfd(entries, false));
      else {
        await flushFirst();
        await file.writeIfd(entries);
      }
      index++;
    }
    if (index === 0) throw new RangeError('writeTiledTiff needs at least one level');
    await flushFirst();
  } finally {
    await file.close();
  }
}
