/**
 * Streams a whole scene, band by band, into an uncompressed strip TIFF: the intermediate that
 * sharp encodes every output format from. libvips reads such a file strip by strip, so
 * encoding keeps memory flat however large the slide (sharp's raw *stream* input would buffer
 * the whole image, and a mapped `.v` file shows up whole in the resident set).
 */
import { open } from 'node:fs/promises';
import { rgbRaster } from '../image/raster.js';
import { isRenderSource, sceneSource, type RenderScratch, type RenderSource } from './render.js';
import type { Scene } from './scene.js';

/** rows per TIFF strip; bands are a multiple of it */
const ROWS_PER_STRIP = 16;
/** pixels rendered per band: big enough to amortise the blur margin, small enough to stay flat */
const BAND_PIXELS = 1 << 20;

const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const LONG8 = 16;

interface Tag {
  tag: number;
  type: number;
  values: number[];
}

/** the buffers of the last render that ended (some 50 MB for a 1 MP band), taken by the next instead of allocating its own */
let spare: RenderScratch | null = null;

export async function renderToRawTiff(input: Scene | RenderSource, path: string, opts: { bigtiff?: boolean } = {}): Promise<void> {
  const scene = isRenderSource(input) ? input : sceneSource(input);
  const { width, height } = scene;
  const rowBytes = width * 3;
  const dataBytes = rowBytes * height;
  // classic TIFF offsets are 32-bit; beyond that the intermediate is a BigTIFF
  const big = opts.bigtiff ?? dataBytes + 1e6 > 2 ** 32 - 1;
  const headerBytes = big ? 16 : 8;
  const bandRows = Math.max(ROWS_PER_STRIP, Math.floor(BAND_PIXELS / width / ROWS_PER_STRIP) * ROWS_PER_STRIP);
  // taken, not shared: a render that starts while this one awaits its writes allocates its own
  const scratch = scene.scratch(width, bandRows, spare ?? undefined);
  spare = null;
  const band = rgbRaster(width, bandRows);
  const file = await open(path, 'w');
  try {
    let pos = headerBytes;
    for (let y0 = 0; y0 < height; y0 += bandRows) {
      const rows = Math.min(bandRows, height - y0);
      const out = rows === bandRows ? band : rgbRaster(width, rows);
      scene.region(0, y0, width, rows, scratch, out);
      await file.write(out.data, 0, rows * rowBytes, pos);
      pos += rows * rowBytes;
    }

    const strips = Math.ceil(height / ROWS_PER_STRIP);
    const offsets: number[] = [];
    const counts: number[] = [];
    for (let s = 0; s < strips; s++) {
      offsets.push(headerBytes + s * ROWS_PER_STRIP * rowBytes);
      counts.push(Math.min(ROWS_PER_STRIP, height - s * ROWS_PER_STRIP) * rowBytes);
    }
    // pixels per cm, as a rational with a 1000 denominator
    const perCm = Math.round((10_000 / scene.mpp) * 1000);
    const offsetType = big ? LONG8 : LONG;
    const tags: Tag[] = [
      { tag: 256, type: LONG, values: [width] },
      { tag: 257, type: LONG, values: [height] },
      { tag: 258, type: SHORT, values: [8, 8, 8] },
      { tag: 259, type: SHORT, values: [1] },
      { tag: 262, type: SHORT, values: [2] },
      { tag: 273, type: offsetType, values: offsets },
      { tag: 277, type: SHORT, values: [3] },
      { tag: 278, type: LONG, values: [ROWS_PER_STRIP] },
      { tag: 279, type: offsetType, values: counts },
      { tag: 282, type: RATIONAL, values: [perCm, 1000] },
      { tag: 283, type: RATIONAL, values: [perCm, 1000] },
      { tag: 284, type: SHORT, values: [1] },
      { tag: 296, type: SHORT, values: [3] },
    ];
    const ifdOffset = pos + (pos % 2);
    await file.write(encodeIfd(tags, ifdOffset, big), 0, undefined, ifdOffset);
    await file.write(header(ifdOffset, big), 0, headerBytes, 0);
  } finally {
    spare = scratch;
    await file.close();
  }
}

function header(ifdOffset: number, big: boolean): Buffer {
  const b = Buffer.alloc(big ? 16 : 8);
  b.write('II', 0, 'latin1');
  if (big) {
    b.writeUInt16LE(43, 2);
    b.writeUInt16LE(8, 4);
    b.writeBigUInt64LE(BigInt(ifdOffset), 8);
  } else {
    b.writeUInt16LE(42, 2);
    b.writeUInt32LE(ifdOffset, 4);
  }
  return b;
}

const SIZE: Record<number, number> = { [SHORT]: 2, [LONG]: 4, [RATIONAL]: 8, [LONG8]: 8 };

/** One IFD (tags sorted, as TIFF requires) followed by the values that do not fit inline. */
function encodeIfd(tags: Tag[], at: number, big: boolean): Buffer {
  const entrySize = big ? 20 : 12;
  const countSize = big ? 8 : 2;
  const inline = big ? 8 : 4;
  const ifdSize = countSize + tags.length * entrySize + (big ? 8 : 4);
  let extra = 0;
  for (const t of tags) {
    const n = valueBytes(t);
    if (n > inline) extra += n + (n % 2);
  }
  const b = Buffer.alloc(ifdSize + extra);
  let p = 0;
  if (big) b.writeBigUInt64LE(BigInt(tags.length), p);
  else b.writeUInt16LE(tags.length, p);
  p += countSize;
  let spill = ifdSize;
  for (const t of [...tags].sort((a, c) => a.tag - c.tag)) {
    const count = t.type === RATIONAL ? t.values.length / 2 : t.values.length;
    b.writeUInt16LE(t.tag, p);
    b.writeUInt16LE(t.type, p + 2);
    if (big) b.writeBigUInt64LE(BigInt(count), p + 4);
    else b.writeUInt32LE(count, p + 4);
    const valuePos = p + (big ? 12 : 8);
    const n = valueBytes(t);
    if (n <= inline) {
      writeValues(b, valuePos, t);
    } else {
      if (big) b.writeBigUInt64LE(BigInt(at + spill), valuePos);
      else b.writeUInt32LE(at + spill, valuePos);
      writeValues(b, spill, t);
      spill += n + (n % 2);
    }
    p += entrySize;
  }
  // next-IFD offset stays 0: one page
  return b;
}

function valueBytes(t: Tag): number {
  return t.type === RATIONAL ? (t.values.length / 2) * 8 : t.values.length * SIZE[t.type];
}

function writeValues(b: Buffer, pos: number, t: Tag): void {
  for (let i = 0; i < t.values.length; i++) {
    const v = t.values[i];
    if (t.type === SHORT) b.writeUInt16LE(v, pos + 2 * i);
    else if (t.type === LONG || t.type === RATIONAL) b.writeUInt32LE(v, pos + 4 * i);
    else b.writeBigUInt64LE(BigInt(v), pos + 8 * i);
  }
}
