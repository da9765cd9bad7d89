import { entryValues, findEntry, loopChain, repointEntry, setCount, setLong, setValue, tiffEntries, type TiffEntryRef } from './tiff-patch.js';

/**
 * Crafted damage to a good tiled TIFF (pyramidal TIFF, SVS, and the vendor TIFFs OpenSlide reads:
 * NDPI, SCN, BIF), each a deterministic function of the good file's bytes. Every kind keeps the
 * file otherwise valid, so the one defect is what a reader must catch. A kind answers undefined
 * where it does not apply to that file (NDPI has strips, not tiles).
 */
export type TiffDamage = (good: Buffer) => Buffer | undefined;

const TILE_OFFSETS = 324;
const TILE_BYTE_COUNTS = 325;
const STRIP_OFFSETS = 273;
const STRIP_BYTE_COUNTS = 279;

/** The directory of level 0: the widest one holding image data, and its data tables. */
function level0(b: Buffer): { ifd: number; offsets: TiffEntryRef; counts: TiffEntryRef; tiled: boolean } {
  const entries = tiffEntries(b);
  let best = -1;
  let width = -1;
  for (const e of entries) {
    if (e.tag !== 256) continue;
    const w = entryValues(b, e)[0];
    if (w > width) {
      width = w;
      best = e.ifd;
    }
  }
  const tiled = entries.some((e) => e.ifd === best && e.tag === TILE_OFFSETS);
  return {
    ifd: best,
    tiled,
    offsets: findEntry(b, best, tiled ? TILE_OFFSETS : STRIP_OFFSETS),
    counts: findEntry(b, best, tiled ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS),
  };
}

function copy(b: Buffer): Buffer {
  return Buffer.from(b);
}

/** A byte pattern that is no JPEG entropy data: libjpeg meets bad Huffman codes and stray markers. */
function garbage(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    out[i] = s >>> 16;
  }
  return out;
}

export const TIFF_DAMAGE: Record<string, TiffDamage> = {
  /** every level-0 tile declares 0 bytes */
  'tile-bytes-zero': (g) => {
    const b = copy(g);
    const { counts } = level0(b);
    for (let i = 0; i < counts.count; i++) setValue(b, counts, i, 0);
    return b;
  },
  /** one level-0 tile declares 0 bytes, the rest are whole */
  'one-tile-bytes-zero': (g) => {
    const b = copy(g);
    const { counts } = level0(b);
    setValue(b, counts, Math.floor(counts.count / 2), 0);
    return b;
  },
  /** one tile declares 4 GB */
  'tile-bytes-absurd': (g) => {
    const b = copy(g);
    const { counts } = level0(b);
    setValue(b, counts, 0, 0xfffffff0);
    return b;
  },
  /** one tile's offset lies 4 GB in */
  'tile-offset-past-end': (g) => {
    const b = copy(g);
    const { offsets } = level0(b);
    setValue(b, offsets, offsets.count - 1, 0xffffff00);
    return b;
  },
  /** the tile tables list one tile for a level of many (offsets count ≠ tiles across × down) */
  'tile-count-short': (g) => {
    const b = copy(g);
    const { offsets, counts } = level0(b);
    if (offsets.count < 3) return undefined;
    // the values move inside the entry once they fit in 4 bytes: write them there
    const first = [entryValues(b, offsets)[0], entryValues(b, counts)[0]];
    for (const [e, v] of [[offsets, first[0]], [counts, first[1]]] as const) {
      setCount(b, e, 1);
      b.writeUInt32LE(v, e.entryAt + 8);
    }
    return b;
  },
  /** the offsets table and the byte-count table disagree on the number of tiles */
  'tile-count-mismatch': (g) => {
    const b = copy(g);
    const { counts } = level0(b);
    if (counts.count < 4) return undefined;
    setCount(b, counts, counts.count - 2);
    return b;
  },
  /** the tile tables claim 2^28 tiles */
  'tile-count-huge': (g) => {
    const b = copy(g);
    const { offsets, counts } = level0(b);
    setCount(b, offsets, 0x10000000);
    setCount(b, counts, 0x10000000);
    return b;
  },
  /** level 0 declares 10⁶ × 10⁶ pixels over the same few tiles */
  'declared-1e6-square': (g) => {
    const b = copy(g);
    const { ifd } = level0(b);
    for (const tag of [256, 257]) setLong(b, findEntry(b, ifd, tag), 1_000_000);
    return b;
  },
  /** level 0 declares 60 000 × 60 000 (under the pixel limit) over the same few tiles */
  'declared-60k-square': (g) => {
    const b = copy(g);
    const { ifd } = level0(b);
    for (const tag of [256, 257]) setLong(b, findEntry(b, ifd, tag), 60_000);
    return b;
  },
  /** tiles of width 0 */
  'tile-width-zero': (g) => {
    const b = copy(g);
    const { ifd, tiled } = level0(b);
    if (!tiled) return undefined;
    setValue(b, findEntry(b, ifd, 322), 0, 0);
    return b;
  },
  /** tiles 2^30 pixels wide */
  'tile-width-absurd': (g) => {
    const b = copy(g);
    const { ifd, tiled } = level0(b);
    if (!tiled) return undefined;
    setLong(b, findEntry(b, ifd, 322), 2 ** 30);
    return b;
  },
  /** garbage over the middle of one level-0 JPEG tile; every other tile is intact */
  'corrupt-jpeg-tile': (g) => {
    const b = copy(g);
    const { offsets, counts } = level0(b);
    const i = Math.floor(offsets.count / 2);
    const at = entryValues(b, offsets)[i];
    const n = entryValues(b, counts)[i];
    const from = at + Math.floor(n * 0.3);
    garbage(Math.floor(n * 0.4), 77).copy(b, from);
    return b;
  },
  /** one level-0 JPEG tile lost its start-of-image marker */
  'jpeg-tile-no-soi': (g) => {
    const b = copy(g);
    const { offsets } = level0(b);
    const at = entryValues(b, offsets)[Math.floor(offsets.count / 2)];
    b.fill(0, at, at + 4);
    return b;
  },
  /** the last directory points back at the first */
  'ifd-chain-loop': (g) => {
    const b = copy(g);
    loopChain(b, 0);
    return b;
  },
};

/** Replace the text `value` follows `key` with in the buffer, keeping its length (the description's count is unchanged). */
function overwriteText(b: Buffer, key: string, value: string): Buffer | undefined {
  const at = b.indexOf(key, 0, 'latin1');
  if (at < 0) return undefined;
  const out = copy(b);
  const from = at + key.length;
  let end = from;
  while (end < out.length && out[end] !== 0x7c && out[end] !== 0 && out[end] !== 0x0d) end++;
  out.write(value.padEnd(end - from, ' ').slice(0, end - from), from, 'latin1');
  return out;
}

function rationalOf(b: Buffer, tag: number): TiffEntryRef {
  const e = tiffEntries(b).find((x) => x.ifd === 0 && x.tag === tag);
  if (!e) throw new RangeError(`no tag ${tag} in directory 0`);
  return e;
}

/** X/YResolution of directory 0 set to numerator / denominator. */
function resolution(g: Buffer, num: number, den: number): Buffer {
  const b = copy(g);
  for (const tag of [282, 283]) {
    const e = rationalOf(b, tag);
    setValue(b, e, 0, num);
    setValue(b, e, 1, den);
  }
  return b;
}

/** The pixel size the file itself states, made nonsense: the slide has no usable µm/px of its own. */
export const TIFF_MPP_DAMAGE: Record<string, { applies: 'svs' | 'resolution'; damage: TiffDamage }> = {
  // the SVS writer also states the pixel size as X/YResolution: both go
  'svs-mpp-nan': { applies: 'svs', damage: (g) => overwriteText(resolution(g, 0, 1), 'MPP = ', 'nan') },
  'svs-mpp-negative': { applies: 'svs', damage: (g) => overwriteText(resolution(g, 0, 1), 'MPP = ', '-0.5') },
  'svs-mpp-zero': { applies: 'svs', damage: (g) => overwriteText(resolution(g, 0, 1), 'MPP = ', '0') },
  'svs-mpp-absurd': { applies: 'svs', damage: (g) => overwriteText(resolution(g, 0, 1), 'MPP = ', '9e+99') },
  'resolution-zero': { applies: 'resolution', damage: (g) => resolution(g, 0, 1) },
  'resolution-zero-denominator': { applies: 'resolution', damage: (g) => resolution(g, 1000, 0) },
  'resolution-absurd': { applies: 'resolution', damage: (g) => resolution(g, 1, 1_000_000) },
};

/** Directory 0's ImageDescription replaced by `text` appended at the end of the file. */
export function describedAs(g: Buffer, text: Buffer): Buffer {
  const e = tiffEntries(g).find((x) => x.ifd === 0 && x.tag === 270);
  if (!e) throw new RangeError('no ImageDescription in directory 0');
  return repointEntry(g, e, Buffer.concat([text, Buffer.from([0])]));
}

/** Huge or pathological descriptions (ImageDescription, the XML vendors keep there). */
export const TIFF_TEXT_DAMAGE: Record<string, TiffDamage> = {
  /** a 65 MiB description inside the file */
  'description-65mib': (g) => describedAs(g, Buffer.alloc(65 * 2 ** 20, 0x41)),
  /** 3 MB of OME-XML with 400 000 unclosed <Pixels elements (a regex that scans to '>' from each is quadratic) */
  'ome-xml-unclosed-pixels': (g) => describedAs(g, Buffer.from(`<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">${'<Pixels '.repeat(400_000)}`, 'latin1')),
  /** an Aperio description of a million fields */
  'aperio-million-fields': (g) => describedAs(g, Buffer.from(`Aperio Image Library v12.0.15 \r\n1024x768 (256x256) JPEG/RGB Q=90|MPP = 0.5|${'k=v|'.repeat(1_000_000)}`, 'latin1')),
};
