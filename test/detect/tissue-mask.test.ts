import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { rgbRaster } from '../../src/image/raster.js';
import { tissueMask, type TissueMask } from '../../src/detect/tissue-mask.js';

const GLASS = [242, 243, 245]; // summed OD ≈ 0.063: bright background
const TISSUE = [200, 170, 190]; // summed OD ≈ 0.38

/** Number of tissue pixels in a mask. */
function tissuePixelCount(mask: TissueMask): number {
  return mask.data.reduce((n, v) => n + v, 0);
}

function scene(width: number, height: number, isTissue: (x: number, y: number) => boolean) {
  const r = rgbRaster(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) r.data.set(isTissue(x, y) ? TISSUE : GLASS, (y * width + x) * 3);
  return r;
}

const odThreshold = resolveParams({}).tissue.odThreshold;

describe('tissueMask', () => {
  it('uses the 0.08 summed-OD default from AnalysisParams', () => {
    expect(odThreshold).toBe(0.08);
  });

  it('thresholds summed OD: glass out, tissue in, edge grown by one pixel', () => {
    const thumb = scene(40, 30, (x, y) => x >= 10 && x < 30 && y >= 5 && y < 25);
    const mask = tissueMask(thumb, { odThreshold });
    expect(mask.width).toBe(40);
    expect(mask.height).toBe(30);
    // 20×20 block dilated by 1 → 22×22
    expect(tissuePixelCount(mask)).toBe(22 * 22);
    expect(mask.data[15 * 40 + 20]).toBe(1);
    expect(mask.data[4 * 40 + 9]).toBe(1); // diagonal neighbour of the corner
    expect(mask.data[3 * 40 + 9]).toBe(0);
    expect(mask.data[0]).toBe(0);
  });

  it('drops specks, fills small holes but keeps large ones and border-connected glass', () => {
    const thumb = scene(60, 40, (x, y) => {
      const inBlock = x >= 5 && x < 45 && y >= 5 && y < 35;
      const smallHole = x >= 10 && x < 13 && y >= 10 && y < 13; // 9 px
      const bigHole = x >= 25 && x < 35 && y >= 15 && y < 25; // 100 px
      const speck = (x === 52 && y === 20) || (x === 53 && y === 20); // 2 px of dust
      return (inBlock && !smallHole && !bigHole) || speck;
    });
    const mask = tissueMask(thumb, { odThreshold, dilatePx: 0 });
    expect(mask.data[11 * 60 + 11]).toBe(1); // small hole filled
    expect(mask.data[20 * 60 + 30]).toBe(0); // big hole kept
    expect(mask.data[20 * 60 + 52]).toBe(0); // speck dropped
    expect(tissuePixelCount(mask)).toBe(40 * 30 - 100);
  });

  it('respects i0: with a dimmer background estimate, the same glass is not tissue', () => {
    const dim = scene(10, 10, () => false);
    dim.data.fill(215); // summed OD ≈ 0.22 against 255
    expect(tissuePixelCount(tissueMask(dim, { odThreshold }))).toBe(100);
    expect(tissuePixelCount(tissueMask(dim, { odThreshold, i0: 220 }))).toBe(0);
  });

  it('treats black (I = 0) pixels as maximal OD without -Infinity', () => {
    const r = scene(9, 9, () => false);
    for (let y = 3; y < 6; y++) for (let x = 3; x < 6; x++) r.data.fill(0, (y * 9 + x) * 3, (y * 9 + x) * 3 + 3);
    const mask = tissueMask(r, { odThreshold, dilatePx: 0 });
    expect(tissuePixelCount(mask)).toBe(9);
  });

  it('rejects a raster that is not RGB', () => {
    expect(() => tissueMask({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) }, { odThreshold })).toThrow(/RGB/);
  });
});
