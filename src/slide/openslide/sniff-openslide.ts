import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlideFormat } from '../../domain/slide.js';
import { SlideFormatError } from '../../errors/index.js';
import { sniffBytes } from '../sniff.js';
import { readFirstIfdTags, type FirstIfdTags } from '../tiff-first-ifd.js';
import { checkMrxsGrid, checkMrxsIndex, readSlidedat } from './mrxs-checks.js';

/** A file OpenSlide reads, found by content; `path` is what to hand openslide_open. */
export interface OpenSlideTarget {
  path: string;
  format: SlideFormat;
  isTiff: boolean;
}

const LEICA_XMLNS = ['http://www.leica-microsystems.com/scn/2010/03/10', 'http://www.leica-microsystems.com/scn/2010/10/01'];
/** NDPI_FORMAT_FLAG: OpenSlide's NDPI detect tests only this tag's presence */
const NDPI_FORMAT_FLAG = 65420;

/** The same tests as OpenSlide 3.4.1's vendor detect functions, on the first IFD. */
function tiffFormat(t: FirstIfdTags): SlideFormat | undefined {
  if (t.tags.has(NDPI_FORMAT_FLAG)) return 'ndpi';
  if (t.tiled && LEICA_XMLNS.some((ns) => t.description?.includes(ns))) return 'scn';
  if (t.software?.startsWith('Philips') && /<DataObject\b[^>]*ObjectType\s*=\s*"DPUfsImport"/.test(t.description ?? '')) return 'philips-tiff';
  if (t.xmp?.includes('iScan')) return 'bif';
  // Aperio JPEG 2000 tiles (33003 YCbCr, 33005 RGB): libvips as shipped with sharp cannot decode them, OpenSlide can
  if (t.description?.startsWith('Aperio') && (t.compression === 33003 || t.compression === 33005)) return 'svs';
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** An MRXS data folder holds Slidedat.ini with a [GENERAL] section. */
async function isMrxsDataFolder(folder: string): Promise<boolean> {
  // the head of the file says it; a hostile Slidedat.ini of many MB is not read whole to sniff it
  const handle = await open(join(folder, 'Slidedat.ini'), 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return /^\s*\[GENERAL\]/im.test(head.toString('latin1', 0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Whether OpenSlide should read `path`: a vendor TIFF (NDPI, SCN, Philips, BIF, JPEG 2000 SVS), a Hamamatsu VMS
 * index, or an MRXS — given as its .mrxs file or as its data folder. Content decides; the .mrxs
 * name only links the file to its folder, as in OpenSlide.
 */
export async function sniffOpenSlide(path: string): Promise<OpenSlideTarget | null> {
  const s = await stat(path);
  if (s.isDirectory()) {
    if (!(await isMrxsDataFolder(path))) return null;
    const file = `${path.replace(/[/\\]+$/, '')}.mrxs`;
    if (!(await isFile(file))) throw new SlideFormatError(`${path}: an MRXS data folder (Slidedat.ini) without its slide file ${file}; give the .mrxs file beside the folder`);
    return { path: file, format: 'mrxs', isTiff: false };
  }
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sniffed = sniffBytes(head.subarray(0, bytesRead));
    if (sniffed?.kind === 'tiff' || sniffed?.kind === 'bigtiff') {
      const tags = await readFirstIfdTags(handle, sniffed.littleEndian ?? true, sniffed.kind === 'bigtiff').catch(() => undefined);
      const format = tags && tiffFormat(tags);
      return format ? { path, format, isTiff: true } : null;
    }
    if (sniffed) return null;
    if (Buffer.from(head.subarray(0, bytesRead)).toString('latin1').startsWith('[Virtual Microscope Specimen]')) return { path, format: 'vms', isTiff: false };
  } finally {
    await handle.close();
  }
  if (/\.mrxs$/i.test(path)) {
    const folder = path.slice(0, -'.mrxs'.length);
    if (await isMrxsDataFolder(folder)) return { path, format: 'mrxs', isTiff: false };
    // the name links the file to its folder (as in OpenSlide): say what is missing rather than "unknown format"
    if ((await stat(folder).catch(() => undefined))?.isDirectory()) {
      throw new SlideFormatError(`${path}: its MRXS data folder ${folder} has no Slidedat.ini with a [GENERAL] section; copy the whole folder with the slide`);
    }
  }
  return null;
}

/**
 * OpenSlide opens an MRXS whose level-0 data file is gone and fails only on the first region read
 * ("Can't open file"); check the data files Slidedat.ini lists up front and name the missing one.
 * Returns the slide's files: the .mrxs, Slidedat.ini, the index and the data files.
 */
export async function checkMrxsDataFiles(mrxsPath: string): Promise<string[]> {
  const folder = mrxsPath.slice(0, -'.mrxs'.length);
  const ini = await readSlidedat(folder, mrxsPath);
  const datafile = ini.sections.get('DATAFILE') ?? new Map<string, string>();
  const files = [...datafile].filter(([k]) => /^FILE_\d+$/.test(k)).sort(([a], [b]) => Number(a.slice(5)) - Number(b.slice(5))).map(([, v]) => v);
  if (files.length === 0) throw new SlideFormatError(`${mrxsPath}: the MRXS Slidedat.ini in ${folder} lists no data files`);
  const dataSizes: number[] = [];
  for (const f of files) {
    const st = await stat(join(folder, f)).catch(() => undefined);
    if (!st?.isFile()) {
      throw new SlideFormatError(`${mrxsPath}: the MRXS data folder ${folder} lacks ${f}, which its Slidedat.ini lists; copy the whole folder with the slide`);
    }
    dataSizes.push(st.size);
  }
  const index = ini.sections.get('HIERARCHICAL')?.get('INDEXFILE') ?? 'Index.dat';
  if (!(await isFile(join(folder, index)))) {
    throw new SlideFormatError(`${mrxsPath}: the MRXS data folder ${folder} lacks its index ${index}, which its Slidedat.ini names; copy the whole folder with the slide`);
  }
  const { imagesX, imagesY } = checkMrxsGrid(ini, mrxsPath);
  await checkMrxsIndex(join(folder, index), mrxsPath, ini, dataSizes, imagesX * imagesY);
  // every file whose bytes make the slide, for the store's content hash
  return [mrxsPath, join(folder, 'Slidedat.ini'), join(folder, index), ...files.map((f) => join(folder, f))];
}
