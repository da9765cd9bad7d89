import { describe, expect, it } from 'vitest';
import { cropRgb } from '../../../src/image/crop.js';
import { scaledLevel } from '../../../src/slide/dicom/dicom-thumbnail.js';
import { pattern } from '../pattern.js';
import { resized } from './dicom-fixtures.js';

describe('scaledLevel', () => {
  const level = pattern(64, 48);
  const bands: [number, number][] = [];
  const readBand = async (y: number, h: number) => {
    bands.push([y, h]);
    return cropRgb(level, 0, y, 64, h);
  };

  it('averages band by band beyond the whole-level limit: each output pixel is the mean of its 4×4 block', async () => {
    bands.length = 0;
    const out = await scaledLevel(64, 48, 16, 12, 10, readBand, 1000);
    expect(bands).toEqual([[0, 10], [10, 10], [20, 10], [30, 10], [40, 8]]);
    for (const [ox, oy] of [[0, 0], [7, 5], [15, 11]]) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) sum += level.data[((oy * 4 + y) * 64 + ox * 4 + x) * 3 + c];
        expect(out.data[(oy * 16 + ox) * 3 + c]).toBe(Math.round(sum / 16));
      }
    }
  });

  it('within the limit reads the level once and resizes it as the TIFF reader does', async () => {
    bands.length = 0;
    const out = await scaledLevel(64, 48, 20, 15, 10, readBand);
    expect(bands).toEqual([[0, 48]]);
    expect(Buffer.compare(out.data, (await resized(level, 20, 15)).data)).toBe(0);
  });
});
