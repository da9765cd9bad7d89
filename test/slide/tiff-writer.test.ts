import { readFileSync } from 'node:fs';
import { fromFile } from 'geotiff';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { RgbRaster } from '../../src/image/raster.js';
import { writeTiledTiff, type TileSource } from '../../src/slide/tiff-writer.js';
import { compareToPattern, pattern, tempDir } from './pattern.js';

const tmp = tempDir('writer');
afterAll(() => tmp.cleanup());

function asRaster(width: number, height: number, data: ArrayLike<number>): RgbRaster {
  return { width, height, channels: 3, data: Uint8Array.from(data) };
}

async function readBackGeotiff(path: string): Promise<{ pages: { width: number; height: number; tiled: boolean; rgb: RgbRaster; description?: string }[] }> {
  const tiff = await fromFile(path);
  try {
    const pages = [];
    for (let i = 0; i < (await tiff.getImageCount()); i++) {
      const image = await tiff.getImage(i);
      const rgb = (await image.readRGB({ interleave: true })) as unknown as ArrayLike<number>;
      const fd = image.fileDirectory;
      pages.push({
        width: image.getWidth(),
        height: image.getHeight(),
        tiled: fd.hasTag('TileWidth'),
        rgb: asRaster(image.getWidth(), image.getHeight(), rgb),
        description: fd.hasTag('ImageDescription') ? String(await fd.loadValue('ImageDescription')).replace(/\0+$/, '') : undefined,
      });
    }
    return { pages };
  } finally {
    await tiff.close();
  }
}

async function readBackSharp(path: string, page: number): Promise<RgbRaster> {
  const { data, info } = await sharp(path, { page }).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return asRaster(info.width, info.height, data);
}

describe('writeTiledTiff', () => {
  it('JPEG pyramid with partial edge tiles reads back in geotiff and libvips alike', async () => {
    const path = tmp.file('pyramid.tif');
    await writeTiledTiff(path, [pattern(700, 500), pattern(350, 250, 2)], { tileSize: 256, compression: 'jpeg', quality: 92, description: 'level µ0', mpp: 0.5 });
    const { pages } = await readBackGeotiff(path);
    expect(pages.map((p) => [p.width, p.height, p.tiled])).toEqual([[700, 500, true], [350, 250, true]]);
    expect(pages[0].description).toBe('level µ0');
    for (const [i, ds] of [[0, 1], [1, 2]]) {
      const g = compareToPattern(pages[i].rgb, 0, 0, ds);
      const v = compareToPattern(await readBackSharp(path, i), 0, 0, ds);
      expect(g.mean).toBeLessThan(2);
      expect(v.mean).toBeLessThan(2);
      expect(Math.max(g.max, v.max)).toBeLessThan(16);
    }
    expect((await sharp(path).metadata()).density).toBeCloseTo(25_400 / 0.5, 3);
  });

  it('uncompressed BigTIFF is exact in both readers and starts with the BigTIFF header', async () => {
    const path = tmp.file('big.tif');
    const level0 = pattern(300, 200);
    await writeTiledTiff(path, [level0], { tileSize: 128, compression: 'none', bigtiff: true });
    expect(Array.from(readFileSync(path).subarray(0, 8))).toEqual([0x49, 0x49, 43, 0, 8, 0, 0, 0]);
    const { pages } = await readBackGeotiff(path);
    expect(pages[0].rgb.data).toEqual(level0.data);
    expect((await readBackSharp(path, 0)).data).toEqual(level0.data);
  });

  it('writes strip pages (SVS thumbnail, label) that both readers decode', async () => {
    const path = tmp.file('strips.tif');
    const label = pattern(90, 60, 3);
    await writeTiledTiff(path, [pattern(256, 256), { image: label, layout: 'strip', subfileType: 1, description: 'label 90x60', compression: 'none' }], {
      tileSize: 128,
      compression: 'jpeg',
    });
    const { pages } = await readBackGeotiff(path);
    expect(pages[1]).toMatchObject({ width: 90, height: 60, tiled: false, description: 'label 90x60' });
    expect(pages[1].rgb.data).toEqual(label.data);
    expect((await readBackSharp(path, 1)).data).toEqual(label.data);
  });

  it('streams a TileSource tile by tile, never asking for more than one tile, with the same bytes as a raster', async () => {
    const level0 = pattern(520, 260);
    let largest = 0;
    let calls = 0;
    const source: TileSource = {
      width: 520,
      height: 260,
      async region(x, y, w, h) {
        calls++;
        largest = Math.max(largest, w * h);
        const out = new Uint8Array(w * h * 3);
        for (let row = 0; row < h; row++) out.set(level0.data.subarray(((y + row) * 520 + x) * 3, ((y + row) * 520 + x + w) * 3), row * w * 3);
        return { width: w, height: h, channels: 3, data: out };
      },
    };
    const fromSource = tmp.file('source.tif');
    const fromRaster = tmp.file('raster.tif');
    await writeTiledTiff(fromSource, [source], { tileSize: 128, compression: 'none' });
    await writeTiledTiff(fromRaster, [level0], { tileSize: 128, compression: 'none' });
    expect(calls).toBe(5 * 3);
    expect(largest).toBe(128 * 128);
    expect(readFileSync(fromSource).equals(readFileSync(fromRaster))).toBe(true);
    // async iterables of levels work too
    async function* levels() {
      yield level0;
    }
    const fromIterable = tmp.file('iterable.tif');
    await writeTiledTiff(fromIterable, levels(), { tileSize: 128, compression: 'none' });
    expect(readFileSync(fromIterable).equals(readFileSync(fromRaster))).toBe(true);
  });

  it('rejects tile sizes TIFF does not allow and empty level lists', async () => {
    await expect(writeTiledTiff(tmp.file('bad.tif'), [pattern(10, 10)], { tileSize: 100, compression: 'none' })).rejects.toThrow(/multiple of 16/);
    await expect(writeTiledTiff(tmp.file('empty.tif'), [], { tileSize: 128, compression: 'none' })).rejects.toThrow(/at least one level/);
  });
});
