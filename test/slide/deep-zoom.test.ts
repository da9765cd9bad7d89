import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbRaster, type RgbRaster } from '../../src/image/raster.js';
import { DeepZoom, deepZoomGeometry, dziXml, levelSize, readScaled, tileCounts, tileRect, type Rect } from '../../src/slide/deep-zoom.js';
import { openSlide } from '../../src/slide/open.js';
import type { Slide } from '../../src/slide/types.js';
import { rawSharp, tempDir } from './pattern.js';

const tmp = tempDir('deep-zoom');
const W = 4000;
const H = 3000;

/** Periods of 44 and 57 px: a one-pixel misplacement changes red and green by up to 14 and 11. */
function truth(x: number, y: number): [number, number, number] {
  return [
    Math.round(128 + 100 * Math.sin(x / 7)),
    Math.round(128 + 100 * Math.cos(y / 9)),
    Math.round(150 + 60 * Math.sin((x + y) / 50)),
  ];
}

function image(width: number, height: number): RgbRaster {
  const r = rgbRaster(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) r.data.set(truth(x, y), (y * width + x) * 3);
  return r;
}

const source = image(W, H);
let pyramidPath: string;
let flatPath: string;
let pyramid: Slide;

async function decodeJpeg(buf: Buffer): Promise<RgbRaster> {
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return rgbRaster(info.width, info.height, new Uint8Array(data));
}

/** mean |a − b| over all channels, b taken at offset (ox, oy) of `ref` */
function meanDiff(a: RgbRaster, ref: RgbRaster, ox: number, oy: number): number {
  let sum = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[(y * a.width + x) * 3 + c] - ref.data[((oy + y) * ref.width + ox + x) * 3 + c]);
    }
  }
  return sum / (a.width * a.height * 3);
}

/** the source averaged over ds×ds blocks (what a slide pyramid level holds), edge blocks over what is inside */
function reference(ds: number, from = source): RgbRaster {
  const width = Math.ceil(from.width / ds);
  const height = Math.ceil(from.height / ds);
  const out = rgbRaster(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let sy = y * ds; sy < Math.min(from.height, (y + 1) * ds); sy++) {
          for (let sx = x * ds; sx < Math.min(from.width, (x + 1) * ds); sx++, n++) sum += from.data[(sy * from.width + sx) * 3 + c];
        }
        out.data[(y * width + x) * 3 + c] = Math.round(sum / n);
      }
    }
  }
  return out;
}

/** a Slide that records every region read */
function spy(slide: Slide): { slide: Slide; reads: { level: number; width: number; height: number }[]; thumbnails: number } {
  const log = { reads: [] as { level: number; width: number; height: number }[], thumbnails: 0 };
  const wrapped: Slide = {
    ...slide,
    readRegion: (level, x, y, width, height) => {
      log.reads.push({ level, width, height });
      return slide.readRegion(level, x, y, width, height);
    },
    readThumbnail: (mpp) => {
      log.thumbnails++;
      return slide.readThumbnail(mpp);
    },
  };
  return { slide: wrapped, get reads() { return log.reads; }, get thumbnails() { return log.thumbnails; } };
}

beforeAll(async () => {
  // lossless files, so the only loss between source and tile is the tile's own JPEG
  pyramidPath = tmp.file('pyramid.tif');
  await rawSharp(source).tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'lzw', xres: 2000, yres: 2000 }).toFile(pyramidPath);
  flatPath = tmp.file('flat.png');
  await rawSharp(image(1200, 900)).png({ compressionLevel: 1 }).toFile(flatPath);
  pyramid = await openSlide(pyramidPath);
});
afterAll(async () => {
  await pyramid.close();
  tmp.cleanup();
});

describe('DZI geometry (254 px tiles, 1 px overlap)', () => {
  const g = deepZoomGeometry(1000, 600);
  it('levels halve, rounding up, from full size at ceil(log2(1000)) = 10 down to 1×1 at 0', () => {
    expect(g.maxLevel).toBe(10);
    expect(levelSize(g, 10)).toEqual({ width: 1000, height: 600 });
    expect(levelSize(g, 9)).toEqual({ width: 500, height: 300 });
    expect(levelSize(g, 8)).toEqual({ width: 250, height: 150 });
    expect(levelSize(g, 1)).toEqual({ width: 2, height: 2 });
    expect(levelSize(g, 0)).toEqual({ width: 1, height: 1 });
    expect(tileCounts(g, 10)).toEqual({ cols: 4, rows: 3 });
    expect(tileCounts(g, 8)).toEqual({ cols: 1, rows: 1 });
  });

  it('tiles overlap their neighbours by one pixel on inner sides and are clipped at the edge', () => {
    expect(tileRect(g, 10, 0, 0)).toEqual({ x: 0, y: 0, width: 255, height: 255 });
    expect(tileRect(g, 10, 1, 0)).toEqual({ x: 253, y: 0, width: 256, height: 255 });
    // last column: 3·254 − 1 = 761, 1000 − 761 = 239 wide; last row: 507, 600 − 507 = 93 high
    expect(tileRect(g, 10, 3, 2)).toEqual({ x: 761, y: 507, width: 239, height: 93 });
    expect(tileRect(g, 8, 0, 0)).toEqual({ x: 0, y: 0, width: 250, height: 150 });
  });

  it('names what is out of range', () => {
    expect(() => tileRect(g, 10, 4, 0)).toThrow('column 4 is not in 0–3 at level 10');
    expect(() => tileRect(g, 10, 0, 3)).toThrow('row 3 is not in 0–2 at level 10');
    expect(() => tileRect(g, 11, 0, 0)).toThrow('level 11 is not in 0–10');
    expect(() => deepZoomGeometry(0, 5)).toThrow(RangeError);
  });

  it('describes the image as a Deep Zoom descriptor', () => {
    expect(dziXml(g)).toContain('<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" TileSize="254" Overlap="1" Format="jpg"><Size Width="1000" Height="600"/></Image>');
  });
});

describe('DeepZoom tiles', () => {
  const dz = new DeepZoom();
  const slideRef = () => ({ path: pyramidPath, mpp: 0.5 });
  afterAll(() => dz.close());

  it('a full-resolution tile is the source region, pixel for pixel before JPEG and within JPEG error after', async () => {
    const g = await dz.geometry(slideRef());
    expect(g).toMatchObject({ width: W, height: H, maxLevel: 12 });
    const rect = tileRect(g, 12, 5, 3);
    expect(rect).toEqual({ x: 1269, y: 761, width: 256, height: 256 });
    const raw = await dz.tilePixels(slideRef(), 12, 5, 3);
    expect(meanDiff(raw, source, rect.x, rect.y)).toBe(0);
    const tile = await decodeJpeg(await dz.tile(slideRef(), 12, 5, 3));
    expect([tile.width, tile.height]).toEqual([256, 256]);
    const exact = meanDiff(tile, source, rect.x, rect.y);
    expect(exact).toBeLessThan(2);
    // one pixel off in any direction would show: more than twice the JPEG error
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) expect(meanDiff(tile, source, rect.x + dx, rect.y + dy)).toBeGreaterThan(2 * exact);
  });

  it('an edge tile is clipped to the slide: 4000 − (15·254 − 1) = 191 wide, 3000 − (11·254 − 1) = 207 high', async () => {
    const tile = await decodeJpeg(await dz.tile(slideRef(), 12, 15, 11));
    expect([tile.width, tile.height]).toEqual([191, 207]);
    expect(meanDiff(tile, source, 3809, 2793)).toBeLessThan(2);
  });

  it('a small level (1000×750, cut from one thumbnail) is the source averaged over 4×4 blocks', async () => {
    const g = await dz.geometry(slideRef());
    expect(levelSize(g, 10)).toEqual({ width: 1000, height: 750 });
    const ref = reference(4);
    const rect = tileRect(g, 10, 1, 1);
    const raw = await dz.tilePixels(slideRef(), 10, 1, 1);
    expect([raw.width, raw.height]).toEqual([rect.width, rect.height]);
    const exact = meanDiff(raw, ref, rect.x, rect.y);
    expect(exact).toBeLessThan(0.5);
    expect(meanDiff(raw, ref, rect.x + 1, rect.y)).toBeGreaterThan(5);
    // red has a period of 11 px at this level, what JPEG loses most of; still well under a pixel's shift
    const tile = await decodeJpeg(await dz.tile(slideRef(), 10, 1, 1));
    expect(meanDiff(tile, ref, rect.x, rect.y)).toBeLessThan(6);
    // level 0 is one pixel: the slide's mean colour (the pattern averages to about 128, 128, 150)
    const dot = await dz.tilePixels(slideRef(), 0, 0, 0);
    expect([dot.width, dot.height]).toEqual([1, 1]);
    for (const [c, want] of [[0, 128], [1, 128], [2, 150]]) expect(Math.abs(dot.data[c] - want)).toBeLessThanOrEqual(4);
  });

  it('keeps recent tiles: the same tile twice is the same buffer', async () => {
    const a = await dz.tile(slideRef(), 11, 2, 2);
    expect(await dz.tile(slideRef(), 11, 2, 2)).toBe(a);
  });

  it('refuses a tile that does not exist, naming the column', async () => {
    await expect(dz.tile(slideRef(), 12, 16, 0)).rejects.toThrow('column 16 is not in 0–15 at level 12');
  });
});

describe('DeepZoom reads', () => {
  it('all twelve small levels (up to 2000 × 1500) from one thumbnail; a full-resolution tile from its own 256² region', async () => {
    const spies: ReturnType<typeof spy>[] = [];
    const dz = new DeepZoom({
      open: async (p, meta) => {
        const s = spy(await openSlide(p, meta));
        spies.push(s);
        return s.slide;
      },
    });
    try {
      const ref = { path: pyramidPath, mpp: 0.5 };
      const g = await dz.geometry(ref);
      for (let level = 0; level <= 11; level++) {
        const { cols, rows } = tileCounts(g, level);
        for (let col = 0; col < cols; col++) for (let row = 0; row < rows; row++) await dz.tile(ref, level, col, row);
      }
      expect(spies).toHaveLength(1);
      expect(spies[0].thumbnails).toBe(1);
      expect(spies[0].reads).toEqual([]);
      await dz.tile(ref, 12, 7, 5);
      expect(spies[0].thumbnails).toBe(1);
      expect(spies[0].reads).toEqual([{ level: 0, width: 256, height: 256 }]);
    } finally {
      await dz.close();
    }
  });
});

describe('readScaled reads only the region it needs, from the nearest pyramid level', () => {
  it('halving reads level 1 of the pyramid (2000×1500) and matches the source scaled by 2', async () => {
    expect(pyramid.levels.map((l) => l.width)).toContain(2000);
    const s = spy(pyramid);
    const rect: Rect = { x: 507, y: 253, width: 256, height: 256 };
    const out = await readScaled(s.slide, 2, rect);
    expect(s.thumbnails).toBe(0);
    expect(s.reads).toEqual([{ level: 1, width: 256, height: 256 }]);
    const ref = reference(2);
    expect(meanDiff(out, ref, rect.x, rect.y)).toBeLessThan(0.5);
    expect(meanDiff(out, ref, rect.x + 1, rect.y)).toBeGreaterThan(5);
  });

  it('by 3 it reads the 2× level (never a coarser one) and shrinks 1.5×', async () => {
    const s = spy(pyramid);
    const rect: Rect = { x: 600, y: 400, width: 200, height: 150 };
    const out = await readScaled(s.slide, 3, rect);
    expect(s.reads).toEqual([{ level: 1, width: 300, height: 225 }]);
    const ref = reference(3);
    expect(meanDiff(out, ref, rect.x, rect.y)).toBeLessThan(1);
    expect(meanDiff(out, ref, rect.x, rect.y + 1)).toBeGreaterThan(5);
  });

  it('in row bands when the region is large, with the same pixels', async () => {
    const flat = await openSlide(flatPath, { mpp: 0.5 });
    try {
      expect(flat.levels).toHaveLength(1);
      const rect: Rect = { x: 40, y: 30, width: 200, height: 150 };
      const whole = spy(flat);
      const once = await readScaled(whole.slide, 4, rect);
      expect(whole.reads).toEqual([{ level: 0, width: 800, height: 600 }]);
      const banded = spy(flat);
      const parts = await readScaled(banded.slide, 4, rect, 40_000);
      // 800 source px per row × 4 rows per output row: 12 output rows (48 source rows) per band
      expect(banded.reads.length).toBe(Math.ceil(150 / 12));
      for (const r of banded.reads) expect(r.width * r.height).toBeLessThanOrEqual(40_000);
      expect(meanDiff(parts, once, 0, 0)).toBeLessThan(1.5);
      
      expect(meanDiff(once, reference(4, image(1200, 900)), rect.x, rect.y)).toBeLessThan(1.5);
    } finally {
      await flat.close();
    }
  });
});
