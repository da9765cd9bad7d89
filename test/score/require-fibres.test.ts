import { describe, expect, it } from 'vitest';
import type { FibreRecord, TileResult } from '../../src/domain/detection.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { scoreSlide } from '../../src/score/score-slide.js';

// Issue 18 point 3: a muscle slide whose fibres were not found fails with a message; it is never
// scored as grade 0 with every cell perimysial.
const MPP = 0.5;

/** One tile of 0.25 mm² tissue (1e6 px at 0.5 µm/px) holding `fibres` negative fibres of 2500 µm² each. */
function tile(fibres: number): TileResult {
  const f: FibreRecord[] = Array.from({ length: fibres }, (_, i) => ({
    x: 10 + i, y: 10, areaUm2: 2500, minFeretUm: 50, ringDab: 0.02, interiorDab: 0.01, peripheralNuclei: 2, internalNuclei: 0, perifascicular: false,
  }));
  return { tileId: 0, detections: [], tissuePixels: 1_000_000, pixelGradeCounts: [1_000_000, 0, 0, 0], dabPositivePixels: 0, fibres: f };
}

describe('no silent zeros on muscle slides', () => {
  it('an MHC-I slide whose fibres cover < 50% of its tissue fails with "no muscle fibres found", not grade 0', () => {
    const params = paramsForMarker('MHC-I');
    expect(params.muscle.enabled).toBe(true);
    // 0 fibres, then 49 fibres = 49% of 0.25 mm²
    expect(() => scoreSlide([tile(0)], { mpp: MPP, marker: 'MHC-I', params })).toThrow(/no muscle fibres found — 0 segmented fibres cover 0\.0% of the 0\.250 mm²/);
    expect(() => scoreSlide([tile(49)], { mpp: MPP, marker: 'MHC-I', params })).toThrow(/no muscle fibres found — 49 segmented fibres cover 49\.0%/);
  });

  it('at 50% coverage and above the slide is scored (here: a true negative, grade 0 from 50 fibres)', () => {
    const params = paramsForMarker('MHC-I');
    const { markerScores } = scoreSlide([tile(50)], { mpp: MPP, marker: 'MHC-I', params });
    expect(markerScores!.mhc1).toMatchObject({ fibres: 50, positive: 0, grade: 0 });
  });

  it('the bar is a parameter (params.muscle.minFibreCoverage); 0 turns the check off', () => {
    expect(() => scoreSlide([tile(30)], { mpp: MPP, marker: 'MHC-I', params: paramsForMarker('MHC-I', { muscle: { minFibreCoverage: 0.25 } }) })).not.toThrow();
    expect(() => scoreSlide([tile(0)], { mpp: MPP, marker: 'MHC-I', params: paramsForMarker('MHC-I', { muscle: { minFibreCoverage: 0 } }) })).not.toThrow();
    expect(() => scoreSlide([tile(30)], { mpp: MPP, marker: 'MHC-I', params: paramsForMarker('MHC-I', { muscle: { minFibreCoverage: 0.4 } }) })).toThrow(/at least 40%/);
  });

  it('CD163 slides (located cells) pass by default and fail under their own bar (params.muscle.minFibreCoverageLocated); a non-muscle slide is never asked for fibres', () => {
    expect(() => scoreSlide([tile(0)], { mpp: MPP, marker: 'CD163', params: paramsForMarker('CD163') })).not.toThrow();
    expect(() => scoreSlide([tile(0)], { mpp: MPP, marker: 'CD163', params: paramsForMarker('CD163', { muscle: { minFibreCoverageLocated: 0.5 } }) })).toThrow(/no muscle fibres found/);
    const { scores } = scoreSlide([{ ...tile(0), fibres: undefined }], { mpp: MPP, params: paramsForMarker(undefined) });
    expect(scores.tissueAreaMm2).toBeCloseTo(0.25, 6);
  });
});
