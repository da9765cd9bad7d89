import { mkdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SlideFormatError } from '../../src/errors/index.js';
import { openBuiltinSlide } from '../../src/slide/builtin-reader.js';
import { openSlide } from '../../src/slide/open.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { writeSvsJ2k } from '../../src/synthetic/formats/write-svs-j2k.js';
import { SCANNER_EXTENSION, SCANNER_FORMATS, SCN_MARGIN, writeScannerSlide, type ScannerFormat } from '../../src/synthetic/formats/index.js';
import { compareToPattern, pattern, tempDir } from './pattern.js';

/**
 * Each scanner format written by our own writers (src/synthetic/formats) and read back through
 * OpenSlide: format, backend, levels, µm/px, associated image names, and regions equal to the
 * written pixels within JPEG tolerance on every level.
 */
const W = 1024;
const H = 768;
const MPP = 0.25;
const levels = [pattern(W, H), pattern(W / 2, H / 2, 2), pattern(W / 4, H / 4, 4)];
const tmp = tempDir('openslide-formats');
afterAll(() => tmp.cleanup());

/** quality 90 JPEG of the smooth pattern; measured on 200×100 regions of every format and level: max 4–7, mean ≤ 1.2 */
const JPEG = { max: 12, mean: 2 };

const EXPECTED: Record<ScannerFormat, { vendor: string; associated: string[]; objective?: number; size: [number, number] }> = {
  ndpi: { vendor: 'Hamamatsu C13210', associated: ['macro'], objective: 20, size: [W, H] },
  mrxs: { vendor: '3DHISTECH P250 Flash III', associated: ['label', 'macro'], objective: 20, size: [W, H] },
  // OpenSlide shows the SCN collection: the main image plus its margin of glass
  scn: { vendor: 'Leica SCN400', associated: ['macro'], objective: 20, size: [W + 2 * SCN_MARGIN, H + 2 * SCN_MARGIN] },
  'philips-tiff': { vendor: 'Philips UFS Scanner', associated: ['label', 'macro'], size: [W, H] },
  bif: { vendor: 'VENTANA DP 200', associated: ['macro', 'thumbnail'], objective: 20, size: [W, H] },
};

async function written(format: ScannerFormat): Promise<string> {
  const path = tmp.file(`slide-${format}.${SCANNER_EXTENSION[format]}`);
  await writeScannerSlide(format, path, levels, { mpp: MPP });
  return path;
}

describe.each(SCANNER_FORMATS)('%s written by our writer, read through OpenSlide', (format) => {
  it('has the written levels, µm/px, vendor and associated image names, and regions equal the written pixels', async () => {
    const path = await written(format);
    const slide = await openSlide(path);
    const want = EXPECTED[format];
    try {
      expect(slide.format).toBe(format);
      expect(slide.backend).toBe('openslide');
      expect(slide.vendor).toBe(want.vendor);
      expect(slide.objectivePower).toBe(want.objective);
      expect([...slide.associatedImages].sort()).toEqual(want.associated);
      expect(slide.mppSource).toBe('file');
      for (let k = 0; k < 3; k++) {
        const ds = 2 ** k;
        expect(slide.levels[k]).toMatchObject({ index: k, width: want.size[0] / ds, height: want.size[1] / ds, downsample: ds });
        expect(slide.levels[k].mpp).toBeCloseTo(MPP * ds, 9);
        const offset = format === 'scn' ? SCN_MARGIN / ds : 0;
        // a spot off every tile grid, the far corner, a 1-px column
        for (const [x, y, w, h] of [
          [37, 21, 150, 90],
          [W / ds - 70, H / ds - 40, 70, 40],
          [W / ds / 2, 0, 1, H / ds],
        ]) {
          const region = await slide.readRegion(k, x + offset, y + offset, w, h);
          const diff = compareToPattern(region, x, y, ds);
          expect(diff.max, `${format} level ${k} region ${x},${y}`).toBeLessThanOrEqual(JPEG.max);
          expect(diff.mean).toBeLessThanOrEqual(JPEG.mean);
        }
      }
      // pixels OpenSlide leaves transparent (the SCN margin) read as white glass, not black
      if (format === 'scn') expect(Array.from((await slide.readRegion(0, 0, 0, 2, 1)).data)).toEqual([255, 255, 255, 255, 255, 255]);
      const thumb = await slide.readThumbnail(MPP * 8);
      expect([thumb.raster.width, thumb.raster.height]).toEqual([want.size[0] / 8, want.size[1] / 8]);
      expect(thumb.mpp).toBeCloseTo(MPP * 8, 9);
    } finally {
      await slide.close();
    }
  });
});

describe('routing by content', () => {
  it('an NDPI renamed .tif still opens through OpenSlide; an MRXS opens from its data folder too', async () => {
    const ndpi = await written('ndpi');
    const renamed = tmp.file('scanner-export.tif');
    writeFileSync(renamed, readFileSync(ndpi));
    const slide = await openSlide(renamed);
    expect([slide.format, slide.backend]).toEqual(['ndpi', 'openslide']);
    await slide.close();

    const mrxs = await written('mrxs');
    const folder = mrxs.replace(/\.mrxs$/, '');
    const byFolder = await openSlide(folder);
    expect([byFolder.format, byFolder.path, byFolder.levels.length]).toEqual(['mrxs', mrxs, 3]);
    await byFolder.close();
  });

  it('an SVS with JPEG 2000 tiles (which libvips here cannot decode) goes to OpenSlide and reads the exact pixels', async () => {
    const path = tmp.file('jp2k.svs');
    await writeSvsJ2k(path, levels.slice(0, 2), { mpp: MPP });
    await expect(openBuiltinSlide(path)).rejects.toThrow(/uses JPEG 2000 compression \(TIFF code 33005\), which this reader cannot decode/);
    const slide = await openSlide(path);
    try {
      expect([slide.format, slide.backend, slide.vendor, slide.levels.map((l) => [l.width, l.height, l.mpp])]).toEqual([
        'svs',
        'openslide',
        'Aperio',
        [
          [W, H, MPP],
          [W / 2, H / 2, MPP * 2],
        ],
      ]);
      for (const k of [0, 1]) expect(compareToPattern(await slide.readRegion(k, 37, 21, 300, 200), 37, 21, 2 ** k)).toEqual({ max: 0, mean: 0 });
    } finally {
      await slide.close();
    }
  });

  it('SVS and generic TIFF stay with the builtin reader, which lists SVS label/macro/thumbnail by name', async () => {
    const path = tmp.file('plain.tif');
    await writeTiledTiff(path, [levels[0]], { tileSize: 256, compression: 'jpeg', mpp: MPP });
    const slide = await openSlide(path);
    expect([slide.format, slide.backend, slide.associatedImages]).toEqual(['tiff', 'builtin', []]);
    await slide.close();
  });
});

describe('formats recognised but not readable, and bad scanner files', () => {
  const failure = async (path: string): Promise<SlideFormatError> => {
    const err = await openSlide(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SlideFormatError);
    return err as SlideFormatError;
  };
  const CONVERT = 'bioformats2raw <slide> <slide>.zarr && raw2ometiff <slide>.zarr <slide>.ome.tiff';

  it('CZI, VSI, iSyntax: names the format and how to convert it', async () => {
    const czi = tmp.file('scan.czi');
    writeFileSync(czi, Buffer.concat([Buffer.from('ZISRAWFILE'), Buffer.alloc(200)]));
    expect((await failure(czi)).message).toBe(`${czi}: this is a Zeiss CZI file (JPEG XR or Zstandard tiles), which this program cannot read; convert it to OME-TIFF with Bio-Formats: ${CONVERT}`);

    const isyntax = tmp.file('scan.isyntax');
    writeFileSync(isyntax, '<DataObject ObjectType="DPUfsImport">\n<Attribute Name="DICOM_MANUFACTURER">PHILIPS</Attribute>');
    expect((await failure(isyntax)).message).toMatch(/this is a Philips iSyntax file, which this program cannot read; convert it to OME-TIFF/);

    // a VSI is a small TIFF overview; its pixels are in _name_/stack1/*.ets beside it
    const vsi = tmp.file('biopsy.vsi');
    await writeTiledTiff(vsi, [pattern(256, 256)], { tileSize: 256, compression: 'jpeg', mpp: 10 });
    mkdirSync(tmp.file('_biopsy_/stack1'), { recursive: true });
    writeFileSync(tmp.file('_biopsy_/stack1/frame_t.ets'), Buffer.concat([Buffer.from('SIS\0'), Buffer.alloc(60)]));
    expect((await failure(vsi)).message).toBe(
      `${vsi}: this is an Olympus/Evident VSI slide (its image data is in ${tmp.file('_biopsy_')}), which this program cannot read; convert it to OME-TIFF with Bio-Formats: ${CONVERT}`,
    );
    expect((await failure(tmp.file('_biopsy_/stack1/frame_t.ets'))).message).toMatch(/this is an Olympus\/Evident cellSens ETS image stack/);
  });

  it('a truncated NDPI: the error names the file and what is wrong, wherever the cut falls', async () => {
    const ndpi = await written('ndpi');
    const cut = (fraction: number): string => {
      const path = tmp.file(`cut-${fraction}.ndpi`);
      writeFileSync(path, readFileSync(ndpi));
      truncateSync(path, Math.floor(statSync(path).size * fraction));
      return path;
    };
    // the first directory survives: the NDPI tags are seen, and the TIFF checks made before
    // OpenSlide (tiff-tile-tables.ts) find the next directory past the end
    const late = cut(0.9);
    const lateMessage = (await failure(late)).message;
    expect(lateMessage.startsWith(`${late}: TIFF image directory 1 lies at offset `), lateMessage).toBe(true);
    expect(lateMessage.endsWith(`, outside the file (${statSync(late).size} bytes); the file is truncated or corrupt`), lateMessage).toBe(true);
    // the cut takes the first directory too: nothing says NDPI any more, the TIFF reader says truncated
    const early = cut(0.4);
    expect((await failure(early)).message).toBe(`${early}: TIFF image directory 0 lies at offset ${firstIfdOffset(readFileSync(ndpi))}, outside the file (${statSync(early).size} bytes); the file is truncated or corrupt`);
  });

  it('an MRXS whose data folder lost a data file: the error names the missing file', async () => {
    const mrxs = await written('mrxs');
    const copy = tmp.file('lost.mrxs');
    writeFileSync(copy, readFileSync(mrxs));
    const folder = tmp.file('lost');
    mkdirSync(folder);
    for (const f of ['Slidedat.ini', 'Index.dat', 'Data0001.dat']) writeFileSync(join(folder, f), readFileSync(join(mrxs.replace(/\.mrxs$/, ''), f)));
    expect((await failure(copy)).message).toBe(`${copy}: the MRXS data folder ${folder} lacks Data0000.dat, which its Slidedat.ini lists; copy the whole folder with the slide`);
    // the folder without its .mrxs file
    renameSync(copy, `${copy}.moved`);
    expect((await failure(folder)).message).toBe(`${folder}: an MRXS data folder (Slidedat.ini) without its slide file ${copy}; give the .mrxs file beside the folder`);
    rmSync(folder, { recursive: true });
  });

  it('libopenslide missing: the error names the Debian package, PNG/TIFF still open', async () => {
    const ndpi = await written('ndpi');
    const before = process.env.BQ_OPENSLIDE_LIBRARY;
    process.env.BQ_OPENSLIDE_LIBRARY = 'libopenslide-not-installed.so.0';
    try {
      const err = await failure(ndpi);
      expect(err.message).toMatch(/^.*: this NDPI slide is read through OpenSlide, but the OpenSlide library \(libopenslide-not-installed\.so\.0\) cannot be loaded: .*; install the Debian package libopenslide0 \(apt-get install libopenslide0\) to read NDPI, MRXS, SCN, BIF, Philips TIFF and VMS slides$/);
      const tif = tmp.file('still.tif');
      await writeTiledTiff(tif, [levels[0]], { tileSize: 256, compression: 'jpeg', mpp: MPP });
      await (await openSlide(tif)).close();
    } finally {
      if (before === undefined) delete process.env.BQ_OPENSLIDE_LIBRARY;
      else process.env.BQ_OPENSLIDE_LIBRARY = before;
    }
  });
});

/** the first IFD's offset of a little-endian classic TIFF (NDPI) */
function firstIfdOffset(tiff: Buffer): number {
  return tiff.readUInt32LE(4);
}
