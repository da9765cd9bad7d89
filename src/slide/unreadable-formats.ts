import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { SlideFormatError } from '../errors/index.js';

/**
 * Formats recognised by content that no backend here reads (JPEG XR tiles, proprietary
 * containers): the error says what the file is and how to convert it, not "unknown format".
 */
const CONVERT =
  'convert it to OME-TIFF with Bio-Formats: bioformats2raw <slide> <slide>.zarr && raw2ometiff <slide>.zarr <slide>.ome.tiff';

interface Unreadable {
  name: string;
  /** first bytes of the file */
  matches(head: Uint8Array): boolean;
}

const ascii = (head: Uint8Array, from: number, length: number) => Buffer.from(head.subarray(from, from + length)).toString('latin1');

const BY_CONTENT: Unreadable[] = [
  { name: 'a Zeiss CZI file (JPEG XR or Zstandard tiles)', matches: (h) => ascii(h, 0, 10) === 'ZISRAWFILE' },
  { name: 'an Olympus/Evident cellSens ETS image stack (part of a VSI slide)', matches: (h) => ascii(h, 0, 4) === 'SIS\0' },
  { name: 'a Philips iSyntax file', matches: (h) => /^\s*<DataObject\s+ObjectType\s*=\s*"DPUfsImport"/.test(ascii(h, 0, 64)) },
  { name: 'a Leica LIF file', matches: (h) => h[0] === 0x70 && h[1] === 0 && h[2] === 0 && h[3] === 0 && h[8] === 0x2a },
];

/** Throw a SlideFormatError naming the format and the conversion when the first bytes are a format we recognise but cannot read. */
export function refuseUnreadableContent(path: string, head: Uint8Array): void {
  const hit = BY_CONTENT.find((u) => u.matches(head));
  if (hit) throw new SlideFormatError(`${path}: this is ${hit.name}, which this program cannot read; ${CONVERT}`);
}

/**
 * Olympus VSI is a small TIFF (overview only) whose pixels live in `_<name>_/stack*\/frame_t.ets`
 * beside it: read as a TIFF it would analyse the overview. Refuse it when that folder exists.
 */
export async function refuseOlympusVsi(path: string): Promise<void> {
  const stacks = join(dirname(path), `_${basename(path, extname(path))}_`);
  const s = await stat(stacks).catch(() => undefined);
  if (!s?.isDirectory()) return;
  const entries = await readdir(stacks).catch(() => [] as string[]);
  if (entries.some((e) => /^stack\d+$/.test(e))) {
    throw new SlideFormatError(`${path}: this is an Olympus/Evident VSI slide (its image data is in ${stacks}), which this program cannot read; ${CONVERT}`);
  }
}
