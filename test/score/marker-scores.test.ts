import { describe, expect, it } from 'vitest';
import type { Detection, TileResult } from '../../src/domain/detection.js';
import { MetadataError } from '../../src/errors/index.js';
import { aggregateTiles } from '../../src/score/aggregate-slide.js';
import type { Locate } from '../../src/score/cell-location.js';
import { MarkerScores, scoreMarker } from '../../src/score/marker-scores.js';

function det(x: number, y: number, grade: number): Detection {
  return { x, y, nucleusAreaUm2: 40, cellAreaUm2: 120, hematoxylinOd: 0.3, dabNucleus: 0, dabCytoplasm: 0, dabCell: 0.2 * grade, grade };
}

// 1 mm² at 0.5 µm/px; 30 positive cells (12 in a tight cluster at x < 100) and 10 negative
const detections = [
  ...Array.from({ length: 12 }, (_, i) => det((i % 4) * 10, Math.floor(i / 4) * 10, 2)),
  ...Array.from({ length: 18 }, (_, i) => det(300 + i * 40, 900, 1)),
  ...Array.from({ length: 10 }, (_, i) => det(300 + i * 40, 1500, 0)),
];
const tile: TileResult = { tileId: 0, detections, tissuePixels: 4_000_000, pixelGradeCounts: [3_900_000, 60_000, 30_000, 10_000], dabPositivePixels: 80_000 };
const slide = aggregateTiles([tile], { mpp: 0.5 });
const locate: Locate = (x) => (x < 200 ? 'perivascular' : 'endomysial');

describe('scoreMarker runs the scorers the registry names for the marker', () => {
  it('CD163: CD163 density by location and infiltrates; no IL-1, no MHC-I', () => {
    const s = scoreMarker({ marker: 'cd-163', slide, cells: detections, tiles: [tile], mpp: 0.5, locate });
    expect(s.marker).toBe('CD163');
    expect(s.cd163?.positiveCellsPerMm2).toBe(30);
    expect(s.cd163?.pctPositiveArea).toBe(2);
    expect(s.cd163?.byLocation?.perivascular).toEqual({ cells: 12, cellsPerMm2: 12 });
    expect(s.infiltrates?.byLocation.perivascular.clusters).toBe(1);
    expect(s.infiltrates?.byLocation.perivascular.grade).toBe(2);
    expect([s.il1, s.mhc1, s.skipped]).toEqual([null, null, []]);
    expect(MarkerScores.parse(s)).toEqual(s);
  });

  it('CD3 without a location classifier: infiltrates skipped with the reason', () => {
    const s = scoreMarker({ marker: 'CD3', slide, cells: detections, tiles: [tile], mpp: 0.5 });
    expect([s.cd163, s.infiltrates]).toEqual([null, null]);
    expect(s.skipped).toEqual([{ scorer: 'infiltrates', reason: expect.stringContaining('no location classifier') }]);
  });

  it('IL-1Ra: the expressed call from the slide scores', () => {
    const s = scoreMarker({ marker: 'IL-1 receptor antagonist', slide, cells: detections, tiles: [tile], mpp: 0.5 });
    expect(s.il1?.pctPositiveArea).toBe(2);
    expect(s.il1?.positiveCellsPerMm2).toBe(30);
    expect(s.il1?.expressedBy).toEqual(['area', 'cells']);
    const strict = scoreMarker({ marker: 'IL1RA', slide, cells: detections, tiles: [tile], mpp: 0.5, il1Thresholds: { minPctPositiveArea: 5, minPositiveCellsPerMm2: 50 } });
    expect(strict.il1?.expressed).toBe(false);
  });

  it('MHC-I: grade and pattern from segmented fibres, skipped without them', () => {
    const fibres = Array.from({ length: 20 }, (_, i) => ({ x: (i % 5) * 60, y: Math.floor(i / 5) * 60, ringDab: i < 4 ? 0.3 : 0.02, interiorDab: 0.02, perifascicular: false }));
    const s = scoreMarker({ marker: 'MHC class I', slide, cells: detections, tiles: [tile], mpp: 0.5, fibres });
    expect(s.mhc1).toMatchObject({ fibres: 20, positive: 4, percentPositive: 20, grade: 2 });
    expect(scoreMarker({ marker: 'HLA-ABC', slide, cells: [], tiles: [tile], mpp: 0.5 }).skipped.map((k) => k.scorer)).toEqual(['mhc1']);
  });

  it('rejects an unknown marker with a MetadataError', () => {
    expect(() => scoreMarker({ marker: 'Ki-67', slide, cells: [], tiles: [], mpp: 0.5 })).toThrow(MetadataError);
  });
});
