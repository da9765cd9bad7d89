import { open } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';

/** Container kinds told apart by their first bytes; the file name is never trusted. */
export type SniffedKind = 'png' | 'jpeg' | 'tiff' | 'bigtiff';

export interface Sniffed {
  kind: SniffedKind;
  /** TIFF byte order; absent for PNG/JPEG */
  littleEndian?: boolean;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Classify a file's first bytes. Returns null when nothing supported matches. */
export function sniffBytes(head: Uint8Array): Sniffed | null {
  if (head.length >= 8 && PNG_MAGIC.every((b, i) => head[i] === b)) return { kind: 'png' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: 'jpeg' };
  if (head.length >= 4) {
    const ii = head[0] === 0x49 && head[1] === 0x49;
    const mm = head[0] === 0x4d && head[1] === 0x4d;
    if (ii || mm) {
      const version = ii ? head[2] | (head[3] << 8) : (head[2] << 8) | head[3];
      if (version === 42) return { kind: 'tiff', littleEndian: ii };
      if (version === 43) return { kind: 'bigtiff', littleEndian: ii };
    }
  }
  return null;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Read the first bytes of `path` and classify them, or throw a SlideFormatError naming the file and its magic bytes. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    const sniffed = sniffBytes(bytes);
    if (!sniffed) {
      const shown = bytesRead === 0 ? 'the file is empty' : `its first bytes are ${hex(bytes.subarray(0, 8))}`;
      throw new SlideFormatError(
        `${path}: not a supported slide format (${shown}); expected PNG, JPEG, TIFF/BigTIFF, SVS or OME-TIFF`,
      );
    }
    return sniffed;
  } finally {
    await handle.close();
  }
}
