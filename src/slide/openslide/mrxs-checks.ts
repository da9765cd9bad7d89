import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SlideFormatError } from '../../errors/index.js';
import { MAX_TILED_LEVEL_PIXELS, describePixels } from '../limits.js';

/**
 * What OpenSlide's MRXS reader (3.4.1) trusts without bounds, checked first: it allocates the
 * camera-image grid from IMAGENUMBER_X × _Y (10⁶ × 10⁶ made GLib abort the process), follows
 * Index.dat's page list by its `next` pointers until 0 (a page pointing at itself never ends) and
 * reads Slidedat.ini whole. Each failure names the file and the value.
 */

/** A real Slidedat.ini is 5–50 kB; OpenSlide hands the file to GLib, which read 20 and 40 MB ones whole before refusing them. */
export const MAX_SLIDEDAT_BYTES = 2 ** 20;
/** camera images along one side: a 3DHISTECH scan of a whole 75 × 25 mm slide has a few hundred */
const MAX_IMAGES_PER_SIDE = 100_000;

export interface MrxsIni {
  text: string;
  sections: Map<string, Map<string, string>>;
}

/** Slidedat.ini of the folder, read only when it is of a believable size. */
export async function readSlidedat(folder: string, mrxsPath: string): Promise<MrxsIni> {
  const file = join(folder, 'Slidedat.ini');
  const size = (await stat(file)).size;
  if (size > MAX_SLIDEDAT_BYTES) {
    throw new SlideFormatError(`${mrxsPath}: its Slidedat.ini is ${(size / 2 ** 20).toFixed(1)} MiB, more than the ${MAX_SLIDEDAT_BYTES / 2 ** 20} MiB any MRXS needs; the file is corrupt`);
  }
  const text = await readFile(file, 'latin1');
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const head = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (head) sections.set(head[1], (current = sections.get(head[1]) ?? new Map()));
    else {
      const eq = line.indexOf('=');
      if (eq > 0 && !/^\s*[#;]/.test(line)) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  return { text, sections };
}

function intOf(ini: MrxsIni, mrxsPath: string, section: string, key: string, min: number, max: number): number {
  const raw = ini.sections.get(section)?.get(key);
  const n = raw === undefined ? NaN : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new SlideFormatError(`${mrxsPath}: Slidedat.ini [${section}] ${key} = ${raw === undefined ? '(missing)' : raw.slice(0, 40)} is not an integer from ${min} to ${max}; the file is corrupt`);
  }
  return n;
}

/** The camera grid and image size: bounded before OpenSlide allocates its grid. */
export function checkMrxsGrid(ini: MrxsIni, mrxsPath: string): { imagesX: number; imagesY: number } {
  const imagesX = intOf(ini, mrxsPath, 'GENERAL', 'IMAGENUMBER_X', 1, MAX_IMAGES_PER_SIDE);
  const imagesY = intOf(ini, mrxsPath, 'GENERAL', 'IMAGENUMBER_Y', 1, MAX_IMAGES_PER_SIDE);
  const level0 = ini.sections.get('HIERARCHICAL')?.get('HIER_0_VAL_0_SECTION');
  if (level0 && ini.sections.has(level0)) {
    const w = intOf(ini, mrxsPath, level0, 'DIGITIZER_WIDTH', 1, 65535);
    const h = intOf(ini, mrxsPath, level0, 'DIGITIZER_HEIGHT', 1, 65535);
    const pixels = imagesX * w * imagesY * h;
    if (pixels > MAX_TILED_LEVEL_PIXELS) {
      throw new SlideFormatError(`${mrxsPath}: Slidedat.ini declares ${imagesX} × ${imagesY} camera images of ${w} × ${h} pixels (${describePixels(pixels)}), over the limit of ${describePixels(MAX_TILED_LEVEL_PIXELS)}`);
    }
  }
  return { imagesX, imagesY };
}

/**
 * Index.dat's hierarchical records, walked as OpenSlide walks them but bounded: the root and every
 * page inside the file, no page visited twice, each page's records inside the file, each record's
 * data file listed and its bytes inside that file. `dataSizes` holds the size of each listed data file.
 */
export async function checkMrxsIndex(indexPath: string, mrxsPath: string, ini: MrxsIni, dataSizes: number[], images: number): Promise<void> {
  const size = (await stat(indexPath)).size;
  const slideId = ini.sections.get('GENERAL')?.get('SLIDE_ID') ?? '';
  const hier = ini.sections.get('HIERARCHICAL') ?? new Map<string, string>();
  const hierCount = Number(hier.get('HIER_COUNT') ?? 0);
  let before = 0;
  let zoomCount = 0;
  for (let i = 0; i < Math.min(hierCount, 64); i++) {
    const count = Number(hier.get(`HIER_${i}_COUNT`) ?? 0);
    if (hier.get(`HIER_${i}_NAME`) === 'Slide zoom level') {
      zoomCount = count;
      break;
    }
    before += count;
  }
  const handle = await open(indexPath, 'r');
  const bad = (why: string): SlideFormatError => new SlideFormatError(`${mrxsPath}: its index ${indexPath} ${why}; the file is corrupt`);
  try {
    const int = async (at: number): Promise<number> => {
      if (!(at >= 0 && at + 4 <= size)) throw bad(`points to byte ${at}, outside its ${size} bytes`);
      const b = Buffer.alloc(4);
      await handle.read(b, 0, 4, at);
      return b.readInt32LE(0);
    };
    const root = await int(5 + slideId.length);
    let records = 0;
    for (let level = 0; level < Math.min(zoomCount, 64); level++) {
      const head = await int(root + 4 * (before + level));
      const page0 = await int(head + 4);
      const seen = new Set<number>();
      for (let page = page0; page !== 0; ) {
        if (seen.has(page)) throw bad(`has a page list of level ${level} that loops (the page at byte ${page} comes round again)`);
        seen.add(page);
        const count = await int(page);
        const next = await int(page + 4);
        if (count < 0 || page + 8 + 16 * count > size) throw bad(`has a page of level ${level} at byte ${page} claiming ${count} records, past its end`);
        records += count;
        if (records > 4 * images + 1024) throw bad(`lists ${records} records or more for ${images} camera images`);
        const b = Buffer.alloc(16 * count);
        await handle.read(b, 0, b.length, page + 8);
        for (let r = 0; r < count; r++) {
          const [offset, length, fileno] = [b.readInt32LE(16 * r + 4), b.readInt32LE(16 * r + 8), b.readInt32LE(16 * r + 12)];
          if (!(fileno >= 0 && fileno < dataSizes.length)) throw bad(`names data file ${fileno}, which Slidedat.ini does not list`);
          if (!(offset >= 0 && length > 0 && offset + length <= dataSizes[fileno])) {
            throw bad(`places a level-${level} camera image at bytes ${offset}–${offset + length} of data file ${fileno}, which has ${dataSizes[fileno]} bytes`);
          }
        }
        page = next;
      }
    }
  } finally {
    await handle.close();
  }
}
