import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSlide } from '../../src/slide/open.js';
import type { Slide } from '../../src/slide/types.js';
import { compareToPattern, pattern, rawSharp, tempDir } from './pattern.js';

const tmp = tempDir('access');
const SIZE = 8192;
let slide: Slide;

beforeAll(async () => {
  // a large single-level JPEG-tiled TIFF: the smooth pattern scaled up, so values stay known
  const path = tmp.file('large.tif');
  const small = await rawSharp(pattern(512, 512)).png().toBuffer();
  await sharp(small).resize(SIZE, SIZE, { kernel: 'nearest' }).tiff({ tile: true, tileWidth: 256, tileHeight: 256, compression: 'jpeg', quality: 90, xres: 2000, yres: 2000 }).toFile(path);
  slide = await openSlide(path);
});
afterAll(() => tmp.cleanup());

async function ms(fn: () => Promise<unknown>, n = 1): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t) / n;
}

describe('region reads on a large tiled level', () => {
  it('cost time in proportion to the region, not the level (random access)', async () => {
    expect(slide.levels).toHaveLength(1);
    const region = await ms(() => slide.readRegion(0, SIZE - 512, SIZE - 512, 512, 512), 5);
    const whole = await ms(() => slide.readThumbnail(0.5)); // decodes every tile of the level
    // 512² is 1/256 of the level; allow a wide margin for a busy machine
    expect(region).toBeLessThan(whole / 20);
  });

  it('return the right pixels at the far corner, including a 1-px sliver', async () => {
    const corner = await slide.readRegion(0, SIZE - 300, SIZE - 200, 300, 200);
    // nearest-neighbour upscale by 16: pixel (x, y) holds pattern(floor(x / 16), floor(y / 16))
    let worst = 0;
    for (const [x, y] of [[0, 0], [299, 199], [150, 33]]) {
      const px = Array.from(corner.data.subarray((y * 300 + x) * 3, (y * 300 + x) * 3 + 3));
      const one = { width: 1, height: 1, channels: 3, data: Uint8Array.from(px) };
      worst = Math.max(worst, compareToPattern(one, Math.floor((SIZE - 300 + x) / 16), Math.floor((SIZE - 200 + y) / 16)).max);
    }
    expect(worst).toBeLessThanOrEqual(12);
    const sliver = await slide.readRegion(0, SIZE - 1, 0, 1, SIZE);
    expect([sliver.width, sliver.height, sliver.data.length]).toEqual([1, SIZE, SIZE * 3]);
  });
});
