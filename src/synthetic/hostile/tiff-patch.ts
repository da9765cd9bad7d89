/**
 * Edits the directories of a little-endian classic TIFF in memory, for crafting hostile files out
 * of good ones: each entry is found by directory and tag, and its count or values are overwritten
 * in place (the file's size and every other byte stay as they were).
 */
export interface TiffEntryRef {
  /** directory index along the top-level chain */
  ifd: number;
  tag: number;
  type: number;
  count: number;
  /** file offset of the entry's 12 bytes */
  entryAt: number;
  /** file offset of the values: inside the entry when they fit in 4 bytes */
  valuesAt: number;
}

const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8 };

/** Every entry of every directory of `b` (a chain loop or a BigTIFF is refused: the good files are neither). */
export function tiffEntries(b: Buffer): TiffEntryRef[] {
  if (b.toString('latin1', 0, 2) !== 'II' || b.readUInt16LE(2) !== 42) throw new RangeError('tiffEntries: only little-endian classic TIFF');
  const out: TiffEntryRef[] = [];
  const seen = new Set<number>();
  let at = b.readUInt32LE(4);
  for (let ifd = 0; at !== 0; ifd++) {
    if (seen.has(at) || at + 2 > b.length) throw new RangeError(`tiffEntries: directory ${ifd} at ${at} loops or lies outside`);
    seen.add(at);
    const n = b.readUInt16LE(at);
    for (let e = 0; e < n; e++) {
      const q = at + 2 + 12 * e;
      const type = b.readUInt16LE(q + 2);
      const count = b.readUInt32LE(q + 4);
      const bytes = count * (TYPE_BYTES[type] ?? 1);
      out.push({ ifd, tag: b.readUInt16LE(q), type, count, entryAt: q, valuesAt: bytes <= 4 ? q + 8 : b.readUInt32LE(q + 8) });
    }
    at = b.readUInt32LE(at + 2 + 12 * n);
  }
  return out;
}

/** Offsets of the top-level directories, in chain order. */
export function tiffDirectoryOffsets(b: Buffer): number[] {
  const out: number[] = [];
  let at = b.readUInt32LE(4);
  while (at !== 0 && !out.includes(at)) {
    out.push(at);
    at = b.readUInt32LE(at + 2 + 12 * b.readUInt16LE(at));
  }
  return out;
}

export function findEntry(b: Buffer, ifd: number, tag: number): TiffEntryRef {
  const e = tiffEntries(b).find((x) => x.ifd === ifd && x.tag === tag);
  if (!e) throw new RangeError(`findEntry: directory ${ifd} has no tag ${tag}`);
  return e;
}

/** The entry's values as numbers (SHORT, LONG; RATIONAL as numerator, denominator pairs). */
export function entryValues(b: Buffer, e: TiffEntryRef): number[] {
  const out: number[] = [];
  const n = e.type === 5 ? e.count * 2 : e.count;
  for (let i = 0; i < n; i++) out.push(e.type === 3 ? b.readUInt16LE(e.valuesAt + 2 * i) : b.readUInt32LE(e.valuesAt + 4 * i));
  return out;
}

/** Overwrite value `i` (SHORT or LONG; for RATIONAL, word i of the numerator/denominator pairs). */
export function setValue(b: Buffer, e: TiffEntryRef, i: number, v: number): void {
  if (e.type === 3) b.writeUInt16LE(v, e.valuesAt + 2 * i);
  else b.writeUInt32LE(v >>> 0, e.valuesAt + 4 * i);
}

/** Overwrite the entry's count (its values stay where they are). */
export function setCount(b: Buffer, e: TiffEntryRef, count: number): void {
  b.writeUInt32LE(count >>> 0, e.entryAt + 4);
}

/** Point the last directory's next-IFD offset at directory `to` (a loop). */
export function loopChain(b: Buffer, to: number): void {
  const dirs = tiffDirectoryOffsets(b);
  const last = dirs[dirs.length - 1];
  b.writeUInt32LE(dirs[to], last + 2 + 12 * b.readUInt16LE(last));
}

/** A copy of `b` with `bytes` appended and entry `e` (same directory and tag in the copy) pointing at them as `count` values. */
export function repointEntry(b: Buffer, e: TiffEntryRef, bytes: Buffer, count = bytes.length): Buffer {
  const out = Buffer.concat([b, bytes]);
  out.writeUInt32LE(count >>> 0, e.entryAt + 4);
  out.writeUInt32LE(b.length, e.entryAt + 8);
  return out;
}

/** Make a one-value entry a LONG holding `v` (a SHORT cannot hold 10⁶). */
export function setLong(b: Buffer, e: TiffEntryRef, v: number): void {
  b.writeUInt16LE(4, e.entryAt + 2);
  b.writeUInt32LE(1, e.entryAt + 4);
  b.writeUInt32LE(v >>> 0, e.entryAt + 8);
}
