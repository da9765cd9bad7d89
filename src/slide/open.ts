import { open, stat } from 'node:fs/promises';
import { SlideFormatError } from '../errors/index.js';
import { openBuiltinSlide, type OpenSlideMeta } from './builtin-reader.js';
import { checkMetaMpp } from './slide-checks.js';
import { openDicomSlide } from './dicom/open-dicom.js';
import { sniffDicom } from './dicom/sniff-dicom.js';
import { openWithOpenSlide } from './openslide/open-openslide.js';
import { checkMrxsDataFiles, sniffOpenSlide } from './openslide/sniff-openslide.js';
import { sniffBytes } from './sniff.js';
import { checkTiffTileTables } from './tiff-tile-tables.js';
import type { Slide } from './types.js';
import { refuseOlympusVsi, refuseUnreadableContent } from './unreadable-formats.js';

export type { OpenSlideMeta } from './builtin-reader.js';

/**
 * One slide reader: tells by content (a file's first bytes and tags, or a folder's contents) whether
 * it reads `path`, and opens it into the shared `Slide` shape.
 */
export interface SlideBackendEntry {
  name: string;
  /** true when this backend reads the file or folder at `path`; never decided by the extension alone */
  sniff(path: string): Promise<boolean>;
  open(path: string, meta: OpenSlideMeta): Promise<Slide>;
}

const openSlideBackend: SlideBackendEntry = {
  name: 'openslide',
  sniff: async (path) => (await sniffOpenSlide(path)) !== null,
  async open(path, meta) {
    const target = await sniffOpenSlide(path);
    if (!target) throw new SlideFormatError(`${path}: not a slide OpenSlide reads`);
    if (target.isTiff) await checkVendorTiff(target.path, target.format);
    const contentFiles = target.format === 'mrxs' ? await checkMrxsDataFiles(target.path) : undefined;
    const slide = await openWithOpenSlide(target.path, meta, target);
    return contentFiles ? { ...slide, contentFiles } : slide;
  },
};

/**
 * libtiff inside OpenSlide follows what a TIFF declares: a 2^30 px tile made GLib abort the whole
 * process allocating a terabyte. The same bounded checks as the builtin reader's run first. NDPI
 * over 4 GiB keeps the high bits of its offsets outside the TIFF fields, so its tables are left
 * to OpenSlide; Philips TIFFs have sparse (zero-length) tiles.
 */
async function checkVendorTiff(path: string, format: string): Promise<void> {
  const size = (await stat(path)).size;
  if (format === 'ndpi' && size >= 2 ** 32) return;
  await checkTiffTileTables(path, size, { zeroLengthTiles: format === 'philips-tiff' });
}

/**
 * The builtin reader keeps PNG, JPEG, generic/pyramidal TIFF, BigTIFF, SVS and OME-TIFF: on the
 * same 4096 × 3072 SVS it reads 1024² level-0 regions at 20.1 MP/s against OpenSlide's 13.9
 * (bench/slide-backends.ts, 2 shared cores) and needs no system library. It comes after the
 * OpenSlide entry, which claims only the vendor TIFFs and folders OpenSlide alone reads.
 */
const builtinBackend: SlideBackendEntry = {
  name: 'builtin',
  async sniff(path) {
    if (!(await stat(path)).isFile()) return false;
    return sniffBytes(await firstBytes(path)) !== null;
  },
  async open(path, meta) {
    await refuseOlympusVsi(path);
    return openBuiltinSlide(path, meta);
  },
};

/**
 * First match wins. The DICOM WSI backend (src/slide/dicom/) goes first: a DICOM series is a folder
 * (or a Part-10 file, whose 128-byte preamble may hold a TIFF header in dual-personality files),
 * which no other backend claims.
 */
export const SLIDE_BACKENDS: SlideBackendEntry[] = [
  { name: 'dicom', sniff: sniffDicom, open: (path, meta) => openDicomSlide(path, meta) },
  openSlideBackend,
  builtinBackend,
];

async function firstBytes(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

async function statOrExplain(path: string): Promise<{ isDirectory: boolean; isFile: boolean }> {
  try {
    const s = await stat(path);
    return { isDirectory: s.isDirectory(), isFile: s.isFile() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
    throw new SlideFormatError(`${path}: ${why}`, { cause: err });
  }
}

/**
 * Open a slide file or folder by its content: formats recognised but unreadable (CZI, VSI,
 * iSyntax, LIF) are refused with how to convert them; otherwise the first backend of SLIDE_BACKENDS
 * whose sniff accepts the path opens it. The pixel size comes from the file, or from `meta.mpp`
 * when the file states none.
 */
export async function openSlide(path: string, meta: OpenSlideMeta = {}): Promise<Slide> {
  checkMetaMpp(path, meta.mpp);
  const kind = await statOrExplain(path);
  if (!kind.isDirectory && !kind.isFile) throw new SlideFormatError(`${path}: is not a regular file`);
  const head = kind.isFile ? await firstBytes(path) : undefined;
  if (head) refuseUnreadableContent(path, head);
  for (const backend of SLIDE_BACKENDS) {
    if (await backend.sniff(path)) return backend.open(path, meta);
  }
  if (!head) throw new SlideFormatError(`${path}: is a directory that holds no slide (expected an MRXS data folder or a DICOM series)`);
  const shown = head.length === 0 ? 'the file is empty' : `its first bytes are ${hex(head.subarray(0, 8))}`;
  throw new SlideFormatError(
    `${path}: not a supported slide format (${shown}); expected PNG, JPEG, TIFF/BigTIFF, SVS, OME-TIFF, NDPI, MRXS, SCN, BIF, Philips TIFF, VMS or DICOM`,
  );
}
