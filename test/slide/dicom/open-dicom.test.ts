import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbRaster, type RgbRaster } from '../../../src/image/raster.js';
import { openDicomSlide } from '../../../src/slide/dicom/open-dicom.js';
import { sniffDicom } from '../../../src/slide/dicom/sniff-dicom.js';
import { dicomPyramid, writeDicomWsi, type DicomWsiCodec } from '../../../src/synthetic/formats/dicom-wsi-writer.js';
import { writeTiledTiff } from '../../../src/slide/tiff-writer.js';
import { pattern, probes, tempDir } from '../pattern.js';
import { diffToWritten, resized } from './dicom-fixtures.js';

const W = 1000;
const H = 700;
const TILE = 256;
const tmp = tempDir('dicom');
let levels: RgbRaster[];

beforeAll(async () => {
  levels = await dicomPyramid(pattern(W, H), TILE);
});
afterAll(() => tmp.cleanup());

const EXACT = { max: 0, mean: 0 };
/** quality 90 JPEG of the smooth pattern with 4:2:0 chroma; measured max 7, mean 0.76 at level 0 */
const JPEG = { max: 12, mean: 2 };
/** reduced levels carry the pattern at 2–4× the frequency, so JPEG loses more (as in open-formats.test.ts) */
const JPEG_REDUCED = { max: 24, mean: 4 };

type Tolerance = { max: number; mean: number };
const cases: { codec: DicomWsiCodec; tolerance: (level: number) => Tolerance }[] = [
  { codec: 'jpeg', tolerance: (k) => (k === 0 ? JPEG : JPEG_REDUCED) },
  { codec: 'j2k', tolerance: () => EXACT },
  { codec: 'htj2k', tolerance: () => EXACT },
  { codec: 'native', tolerance: () => EXACT },
];

describe.each(cases)('DICOM WSI with $codec frames, TILED_FULL', ({ codec, tolerance }) => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp.file(`full-${codec}`);
    await writeDicomWsi(dir, levels, { mpp: 0.25, codec, objectivePower: 40, overview: true });
  });

  it('opens the folder as one slide: levels finest first, µm/px from Pixel Spacing, label and macro by name', async () => {
    const slide = await openDicomSlide(dir);
    expect([slide.format, slide.backend, slide.mppSource]).toEqual(['dicom', 'dicom', 'file']);
    expect(slide.levels.map((l) => [l.index, l.width, l.height, l.downsample])).toEqual([
      [0, 1000, 700, 1],
      [1, 500, 350, 2],
      [2, 250, 175, 4],
    ]);
    slide.levels.forEach((l, i) => expect(l.mpp).toBeCloseTo(0.25 * 2 ** i, 9));
    expect(slide.associatedImages.sort()).toEqual(['label', 'macro']);
    expect(slide.vendor).toBe('BiopsyQuant Synthetic DICOM WSI writer');
    expect(slide.objectivePower).toBe(40);
    await slide.close();
  });

  it('reads regions of every level equal to the written pixels', async () => {
    const slide = await openDicomSlide(dir);
    for (let k = 0; k < levels.length; k++) {
      for (const [x, y, w, h] of probes(levels[k].width, levels[k].height, 0.4)) {
        const region = await slide.readRegion(k, x, y, w, h);
        expect([region.width, region.height, region.data.length]).toEqual([w, h, w * h * 3]);
        const d = diffToWritten(region, levels[k], x, y);
        expect(d.max, `level ${k} region ${x},${y} ${w}×${h}`).toBeLessThanOrEqual(tolerance(k).max);
        expect(d.mean).toBeLessThanOrEqual(tolerance(k).mean);
      }
    }
    await slide.close();
  });
});

describe('DICOM WSI reading', () => {
  let jpegDir: string;
  beforeAll(async () => {
    jpegDir = tmp.file('jpeg-basic');
    await writeDicomWsi(jpegDir, levels, { mpp: 0.5, codec: 'jpeg' });
  });

  it('reads the same JPEG pixels whether frames are found by Basic or Extended Offset Table or by scanning the items', async () => {
    const reads: Uint8Array[] = [];
    for (const offsetTable of ['basic', 'extended', 'none'] as const) {
      const dir = tmp.file(`jpeg-${offsetTable}-table`);
      await writeDicomWsi(dir, levels, { mpp: 0.5, codec: 'jpeg', offsetTable });
      const slide = await openDicomSlide(dir);
      reads.push((await slide.readRegion(0, 200, 100, 700, 550)).data);
      reads.push((await slide.readRegion(1, 400, 300, 100, 50)).data);
      await slide.close();
    }
    expect(Buffer.compare(reads[0], reads[2])).toBe(0);
    expect(Buffer.compare(reads[0], reads[4])).toBe(0);
    expect(Buffer.compare(reads[1], reads[3])).toBe(0);
    expect(Buffer.compare(reads[1], reads[5])).toBe(0);
    expect(diffToWritten({ width: 700, height: 550, channels: 3, data: reads[0] }, levels[0], 200, 100).max).toBeLessThanOrEqual(JPEG.max);
  });

  it('one file of the series opens the whole series; so does the list of its files', async () => {
    const one = await openDicomSlide(join(jpegDir, 'level-1.dcm'));
    expect(one.levels.map((l) => l.width)).toEqual([1000, 500, 250]);
    expect(one.associatedImages).toEqual(['label']);
    await one.close();
    const files = readdirSync(jpegDir).map((f) => join(jpegDir, f));
    const listed = await openDicomSlide(files);
    expect(listed.levels.map((l) => l.width)).toEqual([1000, 500, 250]);
    expect(Buffer.compare((await listed.readRegion(2, 0, 0, 250, 175)).data, (await (await openDicomSlide(jpegDir)).readRegion(2, 0, 0, 250, 175)).data)).toBe(0);
    await listed.close();
  });

  it('properties carry scanner, optical path and specimen description, never patient or accession identifiers', async () => {
    const slide = await openDicomSlide(jpegDir);
    expect(slide.properties).toMatchObject({
      'dicom.Manufacturer': 'BiopsyQuant Synthetic',
      'dicom.OpticalPath[0].IlluminationType': 'Brightfield illumination',
      'dicom.OpticalPath[0].IlluminationColor': 'Full Spectrum',
      'dicom.Specimen[0].ShortDescription': 'Skeletal muscle biopsy, IHC H-DAB',
      'dicom.Specimen[0].AnatomicStructure': 'Skeletal muscle',
      'dicom.Specimen[0].Preparation[0]': 'Using substance: hematoxylin stain; Using substance: 3,3-diaminobenzidine',
    });
    const text = JSON.stringify(slide.properties);
    for (const identifier of ['DOE', 'HOSP-123456', 'ACC-987', 'S26-0042']) expect(text).not.toContain(identifier);
    // no objective power written: none claimed
    expect(slide.objectivePower).toBeUndefined();
    await slide.close();
  });

  it('TILED_SPARSE: tiles left out read as white glass, the others as written', async () => {
    // glass on the right: columns ≥ 512 of level 0 white, so its level-0 tiles 2 and 3 of each row are left out
    const glassy = levels.map((l) => {
      const r = rgbRaster(l.width, l.height, Uint8Array.from(l.data));
      const edge = Math.round((512 * l.width) / W);
      for (let y = 0; y < l.height; y++) r.data.fill(255, (y * l.width + edge) * 3, (y + 1) * l.width * 3);
      return r;
    });
    const dir = tmp.file('sparse');
    // a tile is left out when it is glass, except on level 0 where one glass tile is kept (sparse ≠ "all glass absent")
    const omitted: string[] = [];
    await writeDicomWsi(dir, glassy, { mpp: 0.5, codec: 'j2k', organisation: 'TILED_SPARSE', offsetTable: 'none' }, {}, (k, tx, ty, tile) => {
      const glass = tile.data.every((v) => v === 255);
      const omit = glass && !(k === 0 && tx === 3 && ty === 0);
      if (omit) omitted.push(`${k}:${tx},${ty}`);
      return omit;
    });
    expect(omitted).toEqual(['0:2,0', '0:2,1', '0:3,1', '0:2,2', '0:3,2', '1:1,0', '1:1,1']);
    const slide = await openDicomSlide(dir);
    for (let k = 0; k < glassy.length; k++) {
      const { width, height } = glassy[k];
      expect(diffToWritten(await slide.readRegion(k, 0, 0, width, height), glassy[k], 0, 0)).toEqual(EXACT);
    }
    // the written tile map really is sparse: a region wholly inside a left-out tile
    const blank = await slide.readRegion(0, 600, 300, 100, 100);
    expect(blank.data.every((v) => v === 255)).toBe(true);
    await slide.close();
  });

  it('reads a sparse level whose per-frame header is bigger than the first header read (256 KB)', async () => {
    const dir = tmp.file('sparse-big-header');
    // 16² frames: 63 × 44 − 1 = 2 771 frames, ~120 bytes of Per-Frame Functional Groups each
    const files = await writeDicomWsi(dir, [levels[0]], { mpp: 0.5, tileSize: 16, codec: 'native', organisation: 'TILED_SPARSE', label: 'none' }, {}, (_k, tx, ty) => tx === 0 && ty === 0);
    const { readFileSync } = await import('node:fs');
    // where Pixel Data (7FE0,0010) OB begins: the header before it is over 256 KB
    expect(readFileSync(files[0]).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42]))).toBeGreaterThan(256 * 1024);
    const slide = await openDicomSlide(dir);
    const all = await slide.readRegion(0, 0, 0, W, H);
    const expected = rgbRaster(W, H, Uint8Array.from(levels[0].data));
    for (let y = 0; y < 16; y++) expected.data.fill(255, y * W * 3, (y * W + 16) * 3);
    expect(diffToWritten(all, expected, 0, 0)).toEqual(EXACT);
    await slide.close();
  });

  it('the label is listed and never decoded: garbage label frames change nothing', async () => {
    const dir = tmp.file('garbage-label');
    await writeDicomWsi(dir, levels, { mpp: 0.5, codec: 'jpeg', label: 'garbage' });
    // the label's frame really is undecodable, so decoding it would fail
    await expect(sharp(Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 255)).raw().toBuffer()).rejects.toThrow();
    const slide = await openDicomSlide(dir);
    expect(slide.associatedImages).toEqual(['label']);
    await slide.readRegion(0, 0, 0, W, H);
    await slide.readThumbnail(8);
    await slide.close();
  });

  it('thumbnails come from the coarsest level that suffices, resized as the TIFF reader resizes', async () => {
    const dir = tmp.file('thumb-j2k');
    await writeDicomWsi(dir, levels, { mpp: 0.5, codec: 'j2k' });
    const slide = await openDicomSlide(dir);
    const exact = await slide.readThumbnail(2);
    expect([exact.raster.width, exact.raster.height, exact.mpp]).toEqual([250, 175, 2]);
    expect(diffToWritten(exact.raster, levels[2], 0, 0)).toEqual(EXACT);
    const between = await slide.readThumbnail(1.6);
    // level 1 (1 µm/px) scaled by 1/1.6
    expect([between.raster.width, between.raster.height]).toEqual([313, 219]);
    expect(between.mpp).toBeCloseTo(500 / 313, 9);
    expect(diffToWritten(between.raster, await resized(levels[1], 313, 219), 0, 0)).toEqual(EXACT);
    await slide.close();
  });

  it('the DICOM and the TIFF reader return the same pixels for the same JPEG tiles', async () => {
    const { openSlide } = await import('../../../src/slide/open.js');
    const tif = tmp.file('same.tif');
    await writeTiledTiff(tif, levels, { tileSize: TILE, compression: 'jpeg', quality: 90, mpp: 0.5 });
    const t = await openSlide(tif);
    const d = await openDicomSlide(jpegDir);
    for (const [x, y, w, h] of probes(W, H, 0.4)) expect(Buffer.compare((await t.readRegion(0, x, y, w, h)).data, (await d.readRegion(0, x, y, w, h)).data)).toBe(0);
    await t.close();
    await d.close();
  });

  it('sniffs by content: a series folder and one of its files yes; TIFF, PNG and a folder without DICOM no', async () => {
    expect(await sniffDicom(jpegDir)).toBe(true);
    expect(await sniffDicom(join(jpegDir, 'level-0.dcm'))).toBe(true);
    const png = tmp.file('not-dicom.dcm');
    writeFileSync(png, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer());
    expect(await sniffDicom(png)).toBe(false);
    const tif = tmp.file('plain.tif');
    await writeTiledTiff(tif, [levels[2]], { tileSize: TILE, compression: 'none' });
    expect(await sniffDicom(tif)).toBe(false);
    expect(await sniffDicom(tmp.file('no-such-thing'))).toBe(false);
    const empty = tmp.file('empty-dir');
    await import('node:fs/promises').then((fs) => fs.mkdir(empty));
    expect(await sniffDicom(empty)).toBe(false);
  });

  it('refuses regions outside the level and levels that do not exist', async () => {
    const slide = await openDicomSlide(jpegDir);
    await expect(slide.readRegion(0, W - 10, 0, 11, 5)).rejects.toThrow(RangeError);
    await expect(slide.readRegion(3, 0, 0, 1, 1)).rejects.toThrow(/level 3 does not exist/);
    await slide.close();
    await expect(slide.readRegion(0, 0, 0, 1, 1)).rejects.toThrow(/closed/);
  });
});
