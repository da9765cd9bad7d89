import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Crafted damage to a good MRXS slide (the .mrxs file and its data folder, as written by
 * src/synthetic/formats/write-mrxs.ts): files missing from the folder, a huge or lying Slidedat.ini,
 * an Index.dat whose page list loops or runs off the file, a corrupt camera image.
 * Each kind copies the good slide to `<dir>/<name>.mrxs` and damages the copy.
 */
export type MrxsDamage = (folder: string) => Promise<void>;

async function editIni(folder: string, edit: (ini: string) => string): Promise<void> {
  const p = join(folder, 'Slidedat.ini');
  await writeFile(p, edit(await readFile(p, 'latin1')), 'latin1');
}

async function editBytes(file: string, edit: (b: Buffer) => Buffer): Promise<void> {
  await writeFile(file, edit(await readFile(file)));
}

/** The file offset of level 0's first index page: hier root → table[0] → [0, page]. */
function level0Page(index: Buffer): number {
  const table = index.readInt32LE(41);
  const head = index.readInt32LE(table);
  return index.readInt32LE(head + 4);
}

function setMpp(value: string): MrxsDamage {
  return (folder) => editIni(folder, (ini) => ini.replace(/MICROMETER_PER_PIXEL_X = [^\r\n]*/g, `MICROMETER_PER_PIXEL_X = ${value}`).replace(/MICROMETER_PER_PIXEL_Y = [^\r\n]*/g, `MICROMETER_PER_PIXEL_Y = ${value}`));
}

export const MRXS_DAMAGE: Record<string, MrxsDamage> = {
  'mrxs-missing-level0-data': (f) => rm(join(f, 'Data0000.dat')),
  'mrxs-missing-other-data': (f) => rm(join(f, 'Data0001.dat')),
  'mrxs-missing-index': (f) => rm(join(f, 'Index.dat')),
  'mrxs-missing-slidedat': (f) => rm(join(f, 'Slidedat.ini')),
  'mrxs-empty-index': (f) => writeFile(join(f, 'Index.dat'), Buffer.alloc(0)),
  /** 40 MB of comment lines in Slidedat.ini (a real one is a few kB) */
  'mrxs-slidedat-40mb': (f) => editIni(f, (ini) => `${ini}\r\n${'# padding padding padding padding padding padding padding\r\n'.repeat(700_000)}`),
  /** one Slidedat.ini value of 20 MB */
  'mrxs-slidedat-huge-value': (f) => editIni(f, (ini) => ini.replace('SLIDE_TYPE = P250 Flash III', `SLIDE_TYPE = ${'X'.repeat(20 * 2 ** 20)}`)),
  /** the camera grid declared 10⁶ × 10⁶ images */
  'mrxs-grid-absurd': (f) => editIni(f, (ini) => ini.replace(/IMAGENUMBER_X = \d+/, 'IMAGENUMBER_X = 1000000').replace(/IMAGENUMBER_Y = \d+/, 'IMAGENUMBER_Y = 1000000')),
  'mrxs-mpp-nan': setMpp('nan'),
  'mrxs-mpp-negative': setMpp('-0.5'),
  'mrxs-mpp-zero': setMpp('0'),
  'mrxs-mpp-absurd': setMpp('1e300'),
  /** level 0's index page names itself as the next page */
  'mrxs-index-page-loop': (f) =>
    editBytes(join(f, 'Index.dat'), (b) => {
      const page = level0Page(b);
      b.writeInt32LE(page, page + 4);
      return b;
    }),
  /** level 0's index page claims 2^31 − 1 records */
  'mrxs-index-page-count-absurd': (f) =>
    editBytes(join(f, 'Index.dat'), (b) => {
      b.writeInt32LE(0x7fffffff, level0Page(b));
      return b;
    }),
  /** the hierarchical root points 2 GB into a 1 kB index */
  'mrxs-index-root-past-end': (f) =>
    editBytes(join(f, 'Index.dat'), (b) => {
      b.writeInt32LE(0x7ffffff0, 41);
      return b;
    }),
  'mrxs-index-truncated': (f) => editBytes(join(f, 'Index.dat'), (b) => b.subarray(0, Math.floor(b.length * 0.6))),
  /** a level-0 record points 2 GB into its data file */
  'mrxs-record-past-end': (f) =>
    editBytes(join(f, 'Index.dat'), (b) => {
      b.writeInt32LE(0x7ffffff0, level0Page(b) + 8 + 4);
      return b;
    }),
  /** a level-0 record of 2 GB */
  'mrxs-record-length-absurd': (f) =>
    editBytes(join(f, 'Index.dat'), (b) => {
      b.writeInt32LE(0x7ffffff0, level0Page(b) + 8 + 8);
      return b;
    }),
  /** garbage over the middle of the level-0 data file (camera images' JPEG scans) */
  'mrxs-corrupt-camera-jpeg': (f) =>
    editBytes(join(f, 'Data0000.dat'), (b) => {
      let s = 9;
      const from = Math.floor(b.length * 0.45);
      for (let i = from; i < from + 3000 && i < b.length; i++) {
        s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
        b[i] = s >>> 16;
      }
      return b;
    }),
};

/** Copy the good slide `goodMrxs` to `<dir>/<name>.mrxs` (+ folder) and damage the copy; answers the .mrxs path. */
export async function writeDamagedMrxs(goodMrxs: string, dir: string, name: string, damage: MrxsDamage): Promise<string> {
  const target = join(dir, `${name}.mrxs`);
  await cp(goodMrxs, target);
  await cp(goodMrxs.replace(/\.mrxs$/i, ''), target.replace(/\.mrxs$/i, ''), { recursive: true });
  await damage(target.replace(/\.mrxs$/i, ''));
  return target;
}
