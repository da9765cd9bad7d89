import { open } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';

/** Where a tiled JPEG level keeps its tiles (TileOffsets / TileByteCounts). */
export interface JpegTileTable {
  tileWidth: number;
  tileHeight: number;
  /** tiles across a row of the level */
  across: number;
  offsets: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** tiles found sound so far (1), filled in as regions are read */
  checked?: Uint8Array;
}

/** Markers that may sit between scans of a JPEG (DHT, DQT, DRI, SOS, COM, APPn) and so are skipped whole. */
function isSegment(m: number): boolean {
  return m === 0xc4 || m === 0xdb || m === 0xdd || m === 0xda || m === 0xfe || (m >= 0xe0 && m <= 0xef);
}

/**
 * Where a JPEG tile's bytes break the format, or undefined when they do not: a start-of-image
 * marker first, and inside the entropy-coded data no marker but restart markers, byte stuffing and
 * the segments a progressive scan may bring. libjpeg, decoding for libvips inside libtiff, only
 * warns about such bytes and fills the tile with whatever they decode to, and libvips does not pass
 * the warning on: a corrupt tile was analysed as tissue without a word.
 */
export function jpegTileDefect(b: Buffer): string | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return `it does not start with a JPEG start-of-image marker (bytes ${b.subarray(0, 2).toString('hex')})`;
  let p = 2;
  let inScan = false;
  while (p < b.length - 1) {
    if (!inScan) {
      if (b[p] !== 0xff) return `a JPEG segment header is missing at byte ${p}`;
      const m = b[p + 1];
      if (m === 0xff) {
        p++;
        continue;
      }
      if (m === 0xd9) return undefined;
      if (p + 4 > b.length) return `the JPEG header is cut off at byte ${p}`;
      const length = b.readUInt16BE(p + 2);
      p += 2 + length;
      if (m === 0xda) inScan = true;
      continue;
    }
    const ff = b.indexOf(0xff, p);
    // a missing end-of-image marker is tolerated, as libjpeg tolerates it
    if (ff < 0 || ff + 1 >= b.length) return undefined;
    const m = b[ff + 1];
    if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) p = ff + (m === 0xff ? 1 : 2);
    else if (m === 0xd9) return undefined;
    else if (isSegment(m)) {
      inScan = false;
      p = ff;
    } else return `its JPEG data holds a stray marker 0xFF${m.toString(16).toUpperCase().padStart(2, '0')} at byte ${ff} of ${b.length}`;
  }
  return undefined;
}

/**
 * Check every tile of a tiled JPEG level that the rectangle touches, reading only their bytes (a
 * row of tiles in one read where the file keeps them together, as writers do) and each tile once
 * per open slide: analysis tiles overlap, so most tiles are asked for two to four times.
 * Throws a SlideFormatError naming the level, the tile and the defect.
 */
export async function checkJpegTiles(path: string, levelIndex: number, t: JpegTileTable, x: number, y: number, width: number, height: number): Promise<void> {
  t.checked ??= new Uint8Array(t.offsets.length);
  const checked = t.checked;
  const tx0 = Math.floor(x / t.tileWidth);
  const tx1 = Math.floor((x + width - 1) / t.tileWidth);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    for (let ty = Math.floor(y / t.tileHeight); ty <= Math.floor((y + height - 1) / t.tileHeight); ty++) {
      const row: number[] = [];
      for (let tx = tx0; tx <= tx1; tx++) if (!checked[ty * t.across + tx]) row.push(ty * t.across + tx);
      if (row.length === 0) continue;
      handle ??= await open(path, 'r');
      const from = Math.min(...row.map((k) => Number(t.offsets[k])));
      const to = Math.max(...row.map((k) => Number(t.offsets[k]) + Number(t.counts[k])));
      const total = row.reduce((n, k) => n + Number(t.counts[k]), 0);
      // together: one read of the span; scattered: one read per tile
      const span = to - from <= 2 * total ? Buffer.alloc(to - from) : undefined;
      if (span) await handle.read(span, 0, span.length, from);
      for (const k of row) {
        const at = Number(t.offsets[k]);
        const n = Number(t.counts[k]);
        let b: Buffer;
        if (span) b = span.subarray(at - from, at - from + n);
        else {
          b = Buffer.alloc(n);
          await handle.read(b, 0, n, at);
        }
        const defect = jpegTileDefect(b);
        if (defect) {
          const tx = k % t.across;
          throw new SlideFormatError(
            `${path}: level ${levelIndex} tile ${k} (column ${tx}, row ${ty}, pixels ${tx * t.tileWidth}–${(tx + 1) * t.tileWidth} × ${ty * t.tileHeight}–${(ty + 1) * t.tileHeight}) is corrupt: ${defect}; the slide is not analysed with a tile missing or garbled — re-export or rescan it`,
          );
        }
        checked[k] = 1;
      }
    }
  } finally {
    await handle?.close();
  }
}
