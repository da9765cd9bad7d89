import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { MetadataError } from '../../src/errors/index.js';
import { chooseLevel } from '../../src/slide/choose-level.js';
import { openSlide } from '../../src/slide/open.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import type { Slide } from '../../src/slide/types.js';
import { compareToPattern, pattern, probes, rawSharp, tempDir, uniform } from './pattern.js';

const W = 1000;
const H = 700;
const level0 = pattern(W, H);
const tmp = tempDir('open');

beforeAll(() => undefined);
afterAll(() => tmp.cleanup());

async function expectPixels(slide: Slide, level: number, ds: number, tolerance: { max: number; mean: number }): Promise<void> {
  const { width, height } = slide.levels[level];
  for (const [x, y, w, h] of probes(width, height)) {
    const region = await slide.readRegion(level, x, y, w, h);
    expect([region.width, region.height, region.channels, region.data.length]).toEqual([w, h, 3, w * h * 3]);
    const diff = compareToPattern(region, x, y, ds);
    expect(diff.max, `level ${level} region ${x},${y} ${w}×${h}`).toBeLessThanOrEqual(tolerance.max);
    expect(diff.mean).toBeLessThanOrEqual(tolerance.mean);
  }
}

const EXACT = { max: 0, mean: 0 };
/** quality 90+ JPEG of a smooth pattern; measured max 3–6 */
const JPEG = { max: 12, mean: 2 };
/** the same pattern sampled every 4th pixel has 4× the frequency, so JPEG loses more */
const JPEG_REDUCED = { max: 24, mean: 4 };

describe('PNG', () => {
  it('takes the pixel size from pHYs and reads exact pixels', async () => {
    const path = tmp.file('phys.png');
    await rawSharp(level0).withMetadata({ density: 25_400 / 0.5 }).png().toFile(path);
    const slide = await openSlide(path);
    expect(slide.format).toBe('png');
    expect(slide.mppSource).toBe('file');
    expect(slide.levels).toHaveLength(1);
    expect(slide.levels[0]).toMatchObject({ index: 0, width: W, height: H, downsample: 1 });
    expect(slide.levels[0].mpp).toBeCloseTo(0.5, 5);
    await expectPixels(slide, 0, 1, EXACT);
    await slide.close();
  });

  it('uses metadata µm/px when the file has none, and says what to supply when neither has it', async () => {
    const path = tmp.file('plain.png');
    await rawSharp(level0).png().toFile(path);
    const slide = await openSlide(path, { mpp: 0.25 });
    expect(slide.mppSource).toBe('metadata');
    expect(slide.levels[0].mpp).toBe(0.25);
    await expectPixels(slide, 0, 1, EXACT);
    const err = await openSlide(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/no pixel size.*supply µm\/px/);
  });

  it('ignores a 72 dpi software default and falls back to metadata', async () => {
    const path = tmp.file('dpi72.png');
    await rawSharp(level0).withMetadata({ density: 72 }).png().toFile(path);
    const slide = await openSlide(path, { mpp: 0.33 });
    expect(slide.mppSource).toBe('metadata');
    expect(slide.levels[0].mpp).toBe(0.33);
    await expect(openSlide(path)).rejects.toThrow(MetadataError);
  });

  it('the file wins over metadata when it states a pixel size', async () => {
    const path = tmp.file('phys.png');
    const slide = await openSlide(path, { mpp: 0.9 });
    expect(slide.mppSource).toBe('file');
    expect(slide.levels[0].mpp).toBeCloseTo(0.5, 5);
  });

  it('turns 16-bit grey and RGBA into 8-bit RGB (transparent = white glass)', async () => {
    const grey = Buffer.alloc(64 * 32);
    for (let i = 0; i < grey.length; i++) grey[i] = i % 64 * 4;
    const greyPath = tmp.file('grey16.png');
    await sharp(grey, { raw: { width: 64, height: 32, channels: 1 } }).toColourspace('grey16').png().toFile(greyPath);
    expect((await sharp(greyPath).metadata()).depth).toBe('ushort');
    const g = await (await openSlide(greyPath, { mpp: 1 })).readRegion(0, 0, 0, 64, 32);
    for (const i of [0, 5, 63, 64 * 31 + 40]) {
      const v = grey[i];
      expect(Math.abs(g.data[i * 3] - v)).toBeLessThanOrEqual(1);
      expect(g.data[i * 3 + 1]).toBe(g.data[i * 3]);
      expect(g.data[i * 3 + 2]).toBe(g.data[i * 3]);
    }

    const rgba = Buffer.alloc(8 * 8 * 4);
    for (let i = 0; i < 64; i++) rgba.set(i < 32 ? [10, 20, 30, 255] : [10, 20, 30, 0], i * 4);
    const rgbaPath = tmp.file('rgba.png');
    await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } }).png().toFile(rgbaPath);
    const c = await (await openSlide(rgbaPath, { mpp: 1 })).readRegion(0, 0, 0, 8, 8);
    expect(Array.from(c.data.subarray(0, 3))).toEqual([10, 20, 30]);
    expect(Array.from(c.data.subarray(63 * 3, 64 * 3))).toEqual([255, 255, 255]);
  });
});

describe('JPEG', () => {
  it('opens a JPEG with metadata µm/px and reads within JPEG tolerance', async () => {
    const path = tmp.file('slide.jpg');
    await rawSharp(level0).jpeg({ quality: 95 }).toFile(path);
    const slide = await openSlide(path, { mpp: 0.5 });
    expect(slide.format).toBe('jpeg');
    expect(slide.mppSource).toBe('metadata');
    expect(slide.levels[0]).toMatchObject({ width: W, height: H, mpp: 0.5 });
    await expectPixels(slide, 0, 1, JPEG);
  });

  it('reads a stated density (EXIF, as sharp writes it)', async () => {
    const path = tmp.file('dense.jpg');
    await rawSharp(level0).withMetadata({ density: 25_400 / 2 }).jpeg({ quality: 95 }).toFile(path);
    const slide = await openSlide(path);
    expect(slide.mppSource).toBe('file');
    expect(slide.levels[0].mpp).toBeCloseTo(2, 3);
  });
});

describe('TIFF written by libvips', () => {
  it('strip TIFF (LZW): exact pixels, µm/px from XResolution', async () => {
    const path = tmp.file('strip.tif');
    await rawSharp(level0).tiff({ compression: 'lzw', xres: 2000, yres: 2000 }).toFile(path); // px/mm → 0.5 µm
    const slide = await openSlide(path);
    expect(slide.format).toBe('tiff');
    expect(slide.mppSource).toBe('file');
    expect(slide.levels).toHaveLength(1);
    expect(slide.levels[0].mpp).toBeCloseTo(0.5, 6);
    await expectPixels(slide, 0, 1, EXACT);
  });

  it('tiled TIFF (deflate, 128 px tiles, resolution in cm): exact pixels incl. the last partial tile', async () => {
    const path = tmp.file('tiled.tif');
    await rawSharp(level0).tiff({ compression: 'deflate', tile: true, tileWidth: 128, tileHeight: 128, xres: 4000, yres: 4000, resolutionUnit: 'cm' }).toFile(path);
    const slide = await openSlide(path);
    expect(slide.format).toBe('tiff');
    expect(slide.levels[0].mpp).toBeCloseTo(0.25, 6);
    await expectPixels(slide, 0, 1, EXACT);
  });

  it('BigTIFF: format bigtiff, exact pixels', async () => {
    const path = tmp.file('big.tif');
    await rawSharp(level0).tiff({ compression: 'lzw', tile: true, bigtiff: true, xres: 2000, yres: 2000 }).toFile(path);
    const slide = await openSlide(path);
    expect(slide.format).toBe('bigtiff');
    expect(slide.levels[0].mpp).toBeCloseTo(0.5, 6);
    await expectPixels(slide, 0, 1, EXACT);
  });

  it('pyramidal JPEG TIFF: levels, µm/px per level, level choice, reduced-level pixels, thumbnail', async () => {
    const path = tmp.file('pyramid.tif');
    const big = pattern(2000, 1500);
    await rawSharp(big).tiff({ tile: true, pyramid: true, compression: 'jpeg', quality: 95, xres: 2000, yres: 2000, tileWidth: 256, tileHeight: 256 }).toFile(path);
    const slide = await openSlide(path);
    expect(slide.format).toBe('tiff');
    expect(slide.levels.map((l) => [l.width, l.height])).toEqual([[2000, 1500], [1000, 750], [500, 375], [250, 187]]);
    expect(slide.levels.map((l) => l.mpp)).toEqual([0.5, 1, 2, 4]);
    expect(slide.levels.map((l) => l.downsample)).toEqual([1, 2, 4, 8]);
    expect(chooseLevel(slide.levels, 0.5)).toBe(0);
    expect(chooseLevel(slide.levels, 1.1)).toBe(1);
    expect(chooseLevel(slide.levels, 2.5)).toBe(2);
    expect(chooseLevel(slide.levels, 3)).toBe(3); // log-closer to 4 than to 2
    await expectPixels(slide, 0, 1, JPEG);
    // a 2× reduced level of a smooth pattern: the box average is within a few levels of the point sample
    const r = await slide.readRegion(1, 400, 300, 200, 100);
    expect(compareToPattern(r, 400 + 0.25, 300 + 0.25, 2).mean).toBeLessThan(3);
    const thumb = await slide.readThumbnail(8);
    expect([thumb.raster.width, thumb.raster.height]).toEqual([125, 94]);
    expect(thumb.mpp).toBeCloseTo(8, 6);
  });
});

describe('TIFF written by writeTiledTiff', () => {
  const APERIO = 'Aperio Image Library v12.0.15 \r\n1000x700 [0,0 1000x700] (256x256) JPEG/RGB Q=90|AppMag = 20|StripeWidth = 2040|ScanScope ID = SS1234|MPP = 0.4990|Left = 25.0|Top = 18.2';

  it('SVS: level 0, strip thumbnail, reduced tiled level, label and macro → two levels with MPP from the description', async () => {
    const path = tmp.file('slide.svs');
    await writeTiledTiff(
      path,
      [
        { image: level0, description: APERIO },
        { image: uniform(100, 70, 30), layout: 'strip', subfileType: 0, description: 'Aperio Image Library v12.0.15 \r\n1000x700 -> 100x70 - ' },
        { image: pattern(250, 175, 4), description: 'Aperio Image Library v12.0.15 \r\n1000x700 [0,0 1000x700] -> 250x175 JPEG/RGB Q=90' },
        { image: uniform(120, 120, 60), layout: 'strip', subfileType: 1, description: 'Aperio Image Library v12.0.15\r\nlabel 120x120' },
        { image: uniform(300, 120, 90), layout: 'strip', subfileType: 9, description: 'Aperio Image Library v12.0.15\r\nmacro 300x120' },
      ],
      { tileSize: 256, compression: 'jpeg', quality: 92 },
    );
    const slide = await openSlide(path);
    expect(slide.format).toBe('svs');
    expect(slide.mppSource).toBe('file');
    expect(slide.levels.map((l) => [l.width, l.height, l.downsample])).toEqual([[1000, 700, 1], [250, 175, 4]]);
    expect(slide.levels[0].mpp).toBeCloseTo(0.499, 9);
    expect(slide.levels[1].mpp).toBeCloseTo(1.996, 9);
    await expectPixels(slide, 0, 1, JPEG);
    // level 1 must be the reduced pyramid page, not the grey thumbnail, label or macro
    await expectPixels(slide, 1, 4, JPEG_REDUCED);
    const thumb = await slide.readThumbnail(4);
    expect(thumb.raster.width).toBe(125);
    expect(compareToPattern(thumb.raster, 0.5, 0.5, 8).mean).toBeLessThan(6);
  });

  it('OME-TIFF: PhysicalSizeX with unit, BigTIFF, uncompressed tiles read exactly', async () => {
    const path = tmp.file('slide.ome.tif');
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">' +
      '<Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint8" SizeX="1000" SizeY="700" SizeC="3" SizeZ="1" SizeT="1" ' +
      'PhysicalSizeX="325" PhysicalSizeXUnit="nm" PhysicalSizeY="325" PhysicalSizeYUnit="nm"><Channel ID="Channel:0:0" SamplesPerPixel="3"/></Pixels></Image></OME>';
    await writeTiledTiff(path, [level0, pattern(500, 350, 2)], { tileSize: 128, compression: 'none', description: xml, bigtiff: true, mpp: 9.9 });
    const slide = await openSlide(path);
    expect(slide.format).toBe('ome-tiff');
    // OME-XML wins over the (deliberately wrong) resolution tags
    expect(slide.levels.map((l) => l.mpp)).toEqual([0.325, 0.65]);
    await expectPixels(slide, 0, 1, EXACT);
    await expectPixels(slide, 1, 2, EXACT);
  });

  it('OME-TIFF pyramid in SubIFDs (Bio-Formats layout): reduced levels come from the SubIFDs of page 0', async () => {
    const path = tmp.file('subifd.ome.tif');
    const xml = '<OME><Image><Pixels PhysicalSizeX="0.25" PhysicalSizeXUnit="µm" SizeX="1000" SizeY="700"></Pixels></Image></OME>';
    await writeTiledTiff(path, [level0, pattern(500, 350, 2), pattern(250, 175, 4)], { tileSize: 128, compression: 'none', description: xml, subifds: true });
    expect((await sharp(path).metadata()).subifds).toBe(2);
    const slide = await openSlide(path);
    expect(slide.format).toBe('ome-tiff');
    expect(slide.levels.map((l) => [l.width, l.mpp])).toEqual([[1000, 0.25], [500, 0.5], [250, 1]]);
    await expectPixels(slide, 0, 1, EXACT);
    await expectPixels(slide, 1, 2, EXACT);
    await expectPixels(slide, 2, 4, EXACT);
    const thumb = await slide.readThumbnail(1);
    expect(compareToPattern(thumb.raster, 0, 0, 4)).toEqual({ max: 0, mean: 0 });
  });

  it('OME-TIFF with PhysicalSizeX in the default unit (µm)', async () => {
    const path = tmp.file('default-unit.ome.tif');
    const xml = '<OME><Image><Pixels PhysicalSizeX="0.5" SizeX="1000"></Pixels></Image></OME>';
    await writeTiledTiff(path, [level0], { tileSize: 256, compression: 'jpeg', description: xml });
    const slide = await openSlide(path);
    expect(slide.format).toBe('ome-tiff');
    expect(slide.levels[0].mpp).toBe(0.5);
  });

  it('resolution in cm from writeTiledTiff, scaled per level; none at all needs metadata', async () => {
    const path = tmp.file('writer-res.tif');
    await writeTiledTiff(path, [level0, pattern(500, 350, 2)], { tileSize: 256, compression: 'jpeg', mpp: 0.25 });
    const slide = await openSlide(path);
    expect(slide.format).toBe('tiff');
    expect(slide.levels[0].mpp).toBeCloseTo(0.25, 9);
    expect(slide.levels[1].mpp).toBeCloseTo(0.5, 9);

    const bare = tmp.file('writer-bare.tif');
    await writeTiledTiff(bare, [level0], { tileSize: 256, compression: 'jpeg' });
    await expect(openSlide(bare)).rejects.toThrow(/no pixel size/);
    const withMeta = await openSlide(bare, { mpp: 0.7 });
    expect(withMeta.mppSource).toBe('metadata');
  });
});

describe('format comes from content, not the name', () => {
  it('a PNG named .tif opens as PNG', async () => {
    const path = tmp.file('actually-png.tif');
    writeFileSync(path, await rawSharp(pattern(40, 30)).png().toBuffer());
    const slide = await openSlide(path, { mpp: 1 });
    expect(slide.format).toBe('png');
    expect(compareToPattern(await slide.readRegion(0, 0, 0, 40, 30), 0, 0).max).toBe(0);
  });
});
