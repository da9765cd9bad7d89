import { describe, expect, it } from 'vitest';
import type { FibreRecord, TileResult } from '../../src/domain/detection.js';
import { resolveParams } from '../../src/domain/params.js';
import type { ReviewRegion } from '../../src/domain/review.js';
import { PolygonIndex } from '../../src/score/polygon-index.js';
import { rescore } from '../../src/score/rescore.js';
import { inPolygon } from '../synthetic/realism-helpers.js';

describe('PolygonIndex', () => {
  it('agrees with the plain even-odd rule (every edge) on a concave 301-vertex star for 20 000 points', () => {
    const star = Array.from({ length: 301 }, (_, k) => {
      const a = (2 * Math.PI * k) / 301;
      const r = k % 2 === 0 ? 100 : 35 + (k % 7) * 3;
      return [500 + r * Math.cos(a), 400 + r * Math.sin(a)] as const;
    });
    const idx = new PolygonIndex(star);
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = 380 + rand() * 240, y = 280 + rand() * 240;
      const want = inPolygon(star, x, y);
      expect(idx.contains(x, y)).toBe(want);
      if (want) inside++;
    }
    // the star covers a good part of its box, so both answers were exercised
    expect(inside).toBeGreaterThan(4_000);
    expect(inside).toBeLessThan(16_000);
  });

  it('a closed outline (first vertex repeated) gives the same answers as the open one', () => {
    const open = [[0, 0], [10, 0], [10, 10], [0, 10]] as const;
    const closed = new PolygonIndex([...open, [0, 0]]);
    const plain = new PolygonIndex(open);
    for (const [x, y] of [[5, 5], [-1, 5], [9.99, 0.01], [11, 11], [5, 10.5]]) expect(closed.contains(x, y)).toBe(plain.contains(x, y));
    expect(plain.contains(5, 5)).toBe(true);
    expect(plain.contains(11, 11)).toBe(false);
  });
});

/** A 2 × 1 tile muscle slide at 0.5 µm/px (tiles 256 px = 128 µm), fibres positive on the left tile only. */
function muscleTiles(): TileResult[] {
  const block = 32;
  return [0, 1].map((t) => {
    const n = 8 * 8;
    const tissue = new Array<number>(n).fill(block * block);
    const zeros = new Array<number>(n).fill(0);
    const fibres: FibreRecord[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const positive = t === 0;
        fibres.push({ x: t * 128 + 16 + i * 32, y: 16 + j * 32, areaUm2: 700, minFeretUm: 25, ringDab: positive ? 0.9 : 0.01, interiorDab: 0, peripheralNuclei: 2, internalNuclei: 0, perifascicular: false });
      }
    }
    const total = n * block * block;
    return {
      tileId: t,
      detections: [],
      tissuePixels: total,
      pixelGradeCounts: [total, 0, 0, 0],
      dabPositivePixels: 0,
      fibres,
      areaGrid: { blockPx: block, bx0: t * 8, by0: 0, cols: 8, rows: 8, tissue, dabPositive: zeros, grade1: zeros, grade2: zeros, grade3: zeros },
    };
  });
}

describe('rescore', () => {
  const params = resolveParams({ muscle: { enabled: true } });
  const slideMpp = 0.25; // level-0 px are half the analysis level's: polygons are level-0
  const leftTile: ReviewRegion = { kind: 'region', polygon: [[0, 0], [512, 0], [512, 512], [0, 512]] };

  it('MHC-I: a region over the positive tile grades only its fibres', () => {
    const tiles = muscleTiles();
    const all = rescore({ tiles, regions: [], slideMpp, mpp: 0.5, marker: 'MHC-I', params });
    expect(all.markerScores?.mhc1).toMatchObject({ fibres: 32, positive: 16, percentPositive: 50, grade: 3 });
    const left = rescore({ tiles, regions: [leftTile], slideMpp, mpp: 0.5, marker: 'MHC-I', params });
    expect(left.markerScores?.mhc1).toMatchObject({ fibres: 16, positive: 16, percentPositive: 100, grade: 5 });
    expect(left.scores.tissueAreaMm2).toBeCloseTo((128 * 128) / 1e6, 12);
    const right = rescore({ tiles, regions: [{ ...leftTile, kind: 'exclusion' }], slideMpp, mpp: 0.5, marker: 'MHC-I', params });
    expect(right.markerScores?.mhc1).toMatchObject({ fibres: 16, positive: 0, grade: 0 });
  });

  it('tiles stored without an area grid score as stored, but not in regions', () => {
    const tiles = muscleTiles().map(({ areaGrid: _, ...t }) => t);
    expect(rescore({ tiles, regions: [], slideMpp, mpp: 0.5, marker: 'MHC-I', params }).markerScores?.mhc1?.fibres).toBe(32);
    expect(() => rescore({ tiles, regions: [leftTile], slideMpp, mpp: 0.5, marker: 'MHC-I', params })).toThrow(/tile 0 has no area grid .* analyse the slide again/);
  });
});
