import { describe, expect, it } from 'vitest';
import { rgbRaster, type RgbRaster } from '../../src/image/raster.js';
import { boxAverageBands } from '../../src/slide/box-average.js';

/** A level read band by band (as OpenSlide thumbnails of levels over 64 MP are) averages like whole blocks. */
describe('boxAverageBands', () => {
  const W = 12;
  const H = 9;
  const src = rgbRaster(W, H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) src.data.set([x * 10, y * 20, (x + y) % 7], (y * W + x) * 3);
  const crop = (y: number, rows: number): RgbRaster => ({ width: W, height: rows, channels: 3, data: src.data.slice(y * W * 3, (y + rows) * W * 3) });

  it('3 × 3 blocks: each output pixel is its block mean, whatever the band height', async () => {
    for (const bandRows of [1, 2, 4, 9, 100]) {
      const bands: number[] = [];
      const out = await boxAverageBands(src, 4, 3, bandRows, async (y, rows) => (bands.push(rows), crop(y, rows)));
      expect(bands.reduce((a, b) => a + b, 0), `band ${bandRows}`).toBe(H);
      for (let oy = 0; oy < 3; oy++) {
        for (let ox = 0; ox < 4; ox++) {
          const want = [0, 1, 2].map((c) => {
            let sum = 0;
            for (let y = oy * 3; y < oy * 3 + 3; y++) for (let x = ox * 3; x < ox * 3 + 3; x++) sum += src.data[(y * W + x) * 3 + c];
            return Math.round(sum / 9);
          });
          expect(Array.from(out.data.subarray((oy * 4 + ox) * 3, (oy * 4 + ox) * 3 + 3)), `band ${bandRows} at ${ox},${oy}`).toEqual(want);
        }
      }
    }
  });
});
