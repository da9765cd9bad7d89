import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbRaster } from '../../image/raster.js';
import type { Chroma } from '../../slide/tiff-writer.js';

/**
 * Writes a small 3DHISTECH MRXS as OpenSlide 3.4.1's mirax reader expects it: `<name>.mrxs` beside a
 * folder `<name>/` holding Slidedat.ini, Index.dat and the data files. Level 0 is a grid of
 * camera images (DIGITIZER_WIDTH × _HEIGHT, no overlap, no position buffer: OpenSlide places them
 * on the nominal grid); level k stores one image per 2^k × 2^k level-0 images (IMAGE_CONCAT_FACTOR 1
 * per level). Index.dat: "01.02", the SLIDE_ID, a pointer to the per-level page lists, a pointer to
 * the non-hierarchical records (macro = SlideThumbnail, label = SlideBarcode), each record
 * (image index, offset, length, file number). Level 0 goes in Data0000.dat, the rest in Data0001.dat,
 * so a test can take one data file away.
 */
export interface MrxsOptions {
  /** µm/px of level 0 */
  mpp: number;
  /** camera image size; level 0's size must be a whole number of them */
  imageSize?: number;
  quality?: number;
  /** JPEG chroma subsampling of the camera images, default 4:2:0 */
  chroma?: Chroma;
  objective?: number;
  label?: RgbRaster;
  macro?: RgbRaster;
}

/** A SLIDE_ID of the scanner's kind (a UUID), made from the pixels so two different slides never share one. */
function slideIdOf(level0: RgbRaster): string {
  const h = createHash('sha1').update(level0.data).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * `src`'s pixels at (x, y) size w × h; past its edge the last row and column repeat, as scanners
 * pad camera images (white padding would ring into the real pixels when JPEG-encoded).
 */
function paddedRegion(src: RgbRaster, x: number, y: number, w: number, h: number): Buffer {
  const out = Buffer.alloc(w * h * 3);
  for (let row = 0; row < h; row++) {
    const sy = Math.min(y + row, src.height - 1);
    for (let col = 0; col < w; col++) {
      const sx = Math.min(x + col, src.width - 1);
      const from = (sy * src.width + sx) * 3;
      out.set(src.data.subarray(from, from + 3), (row * w + col) * 3);
    }
  }
  return out;
}

function jpeg(pixels: Buffer, width: number, height: number, quality: number, chroma: Chroma = '4:2:0'): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality, chromaSubsampling: chroma }).toBuffer();
}

/** Index.dat built with absolute little-endian int32 pointers. */
class IndexFile {
  private readonly chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): number {
    const at = this.length;
    this.chunks.push(b);
    this.length += b.length;
    return at;
  }
  ints(values: number[]): number {
    const b = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => b.writeInt32LE(v, i * 4));
    return this.push(b);
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Stored {
  offset: number;
  length: number;
  fileno: number;
}

export async function writeMrxs(mrxsPath: string, levels: RgbRaster[], opts: MrxsOptions): Promise<void> {
  const size = opts.imageSize ?? 256;
  const quality = opts.quality ?? 90;
  const W = levels[0].width;
  const H = levels[0].height;
  if (W % size !== 0 || H % size !== 0) throw new RangeError(`writeMrxs: level 0 (${W}×${H}) is not a whole number of ${size}-px camera images`);
  const imagesX = W / size;
  const imagesY = H / size;
  const folder = mrxsPath.replace(/\.mrxs$/i, '');
  const slideId = slideIdOf(levels[0]);
  await mkdir(folder, { recursive: true });

  const data: Buffer[][] = [[], []];
  const dataLength = [0, 0];
  const store = (fileno: number, bytes: Buffer): Stored => {
    const offset = dataLength[fileno];
    data[fileno].push(bytes);
    dataLength[fileno] += bytes.length;
    return { offset, length: bytes.length, fileno };
  };

  const records: { index: number; stored: Stored }[][] = [];
  for (let k = 0; k < levels.length; k++) {
    const step = 2 ** k;
    const level: { index: number; stored: Stored }[] = [];
    for (let y = 0; y < imagesY; y += step) {
      for (let x = 0; x < imagesX; x += step) {
        const bytes = await jpeg(paddedRegion(levels[k], (x / step) * size, (y / step) * size, size, size), size, size, quality, opts.chroma);
        level.push({ index: y * imagesX + x, stored: store(k === 0 ? 0 : 1, bytes) });
      }
    }
    records.push(level);
  }
  const associated: { name: string; section: string; key: string; stored: Stored }[] = [];
  if (opts.macro) {
    const m = opts.macro;
    associated.push({ name: 'ScanDataLayer_SlideThumbnail', section: 'SCANDATALAYER_SLIDETHUMBNAIL', key: 'THUMBNAIL_IMAGE_TYPE', stored: store(1, await jpeg(Buffer.from(m.data), m.width, m.height, 90)) });
  }
  if (opts.label) {
    const l = opts.label;
    associated.push({ name: 'ScanDataLayer_SlideBarcode', section: 'SCANDATALAYER_SLIDEBARCODE', key: 'BARCODE_IMAGE_TYPE', stored: store(1, await jpeg(Buffer.from(l.data), l.width, l.height, 90)) });
  }

  const index = new IndexFile();
  index.push(Buffer.from(`01.02${slideId}`, 'latin1'));
  const hierRootAt = index.ints([0]);
  const nonhierRootAt = index.ints([0]);
  // hierarchical: a table of one pointer per level, each to [0, page], page = [count, next = 0, records…]
  const levelHeads = records.map((level) => {
    const page = index.ints([level.length, 0, ...level.flatMap((r) => [r.index, r.stored.offset, r.stored.length, r.stored.fileno])]);
    return index.ints([0, page]);
  });
  const hierTable = index.ints(levelHeads);
  // non-hierarchical: a table of one pointer per record, each to [0, page], page = [1, 0, 0, 0, offset, length, fileno]
  const nonhierHeads = associated.map((a) => {
    const page = index.ints([1, 0, 0, 0, a.stored.offset, a.stored.length, a.stored.fileno]);
    return index.ints([0, page]);
  });
  const nonhierTable = index.ints(nonhierHeads.length > 0 ? nonhierHeads : [0]);
  const bytes = index.bytes();
  bytes.writeInt32LE(hierTable, hierRootAt);
  bytes.writeInt32LE(nonhierTable, nonhierRootAt);

  const ini: string[] = [
    '[GENERAL]',
    'SLIDE_VERSION = 01.03',
    `SLIDE_ID = ${slideId}`,
    'SLIDE_TYPE = P250 Flash III',
    `IMAGENUMBER_X = ${imagesX}`,
    `IMAGENUMBER_Y = ${imagesY}`,
    `OBJECTIVE_MAGNIFICATION = ${opts.objective ?? 20}`,
    'CameraImageDivisionsPerSide = 1',
    '',
    '[HIERARCHICAL]',
    'HIER_COUNT = 1',
    `NONHIER_COUNT = ${associated.length > 0 ? 1 : 0}`,
    'INDEXFILE = Index.dat',
    'HIER_0_NAME = Slide zoom level',
    `HIER_0_COUNT = ${levels.length}`,
    ...levels.map((_, k) => `HIER_0_VAL_${k}_SECTION = LAYER_0_LEVEL_${k}_SECTION`),
  ];
  if (associated.length > 0) {
    ini.push('NONHIER_0_NAME = Scan data layer', `NONHIER_0_COUNT = ${associated.length}`);
    associated.forEach((a, i) => ini.push(`NONHIER_0_VAL_${i} = ${a.name}`, `NONHIER_0_VAL_${i}_SECTION = ${a.section}`));
  }
  ini.push('', '[DATAFILE]', 'FILE_COUNT = 2', 'FILE_0 = Data0000.dat', 'FILE_1 = Data0001.dat', '');
  levels.forEach((_, k) => {
    const mpp = opts.mpp * 2 ** k;
    ini.push(
      `[LAYER_0_LEVEL_${k}_SECTION]`,
      `IMAGE_CONCAT_FACTOR = ${k === 0 ? 0 : 1}`,
      'OVERLAP_X = 0',
      'OVERLAP_Y = 0',
      `MICROMETER_PER_PIXEL_X = ${mpp}`,
      `MICROMETER_PER_PIXEL_Y = ${mpp}`,
      'IMAGE_FILL_COLOR_BGR = 16777215',
      `DIGITIZER_WIDTH = ${size}`,
      `DIGITIZER_HEIGHT = ${size}`,
      'IMAGE_FORMAT = JPEG',
      '',
    );
  });
  for (const a of associated) ini.push(`[${a.section}]`, `${a.key} = JPEG`, '');

  await writeFile(join(folder, 'Slidedat.ini'), ini.join('\r\n'), 'latin1');
  await writeFile(join(folder, 'Index.dat'), bytes);
  await writeFile(join(folder, 'Data0000.dat'), Buffer.concat(data[0]));
  await writeFile(join(folder, 'Data0001.dat'), Buffer.concat(data[1]));
  // the .mrxs file itself carries nothing OpenSlide reads; 3DHISTECH software keeps a small header in it
  await writeFile(mrxsPath, Buffer.from(`MRXS synthetic slide ${slideId}\n`, 'latin1'));
}
