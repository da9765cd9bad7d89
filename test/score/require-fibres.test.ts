import { describe, expect, it } from 'vitest';
import type { Detection, FibreRecord, TileResult } from '../../src/domain/detection.js';
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

/** a 1+ inflammatory cell the tile located perimysial, outside fibres */
function cell(x: number, y: number): Detection {
  return { x, y, nucleusAreaUm2: 30, cellAreaUm2: 60, hematoxylinOd: 0.3, dabNucleus: 0.3, dabCytoplasm: 0.3, dabCell: 0.3, grade: 1, location: 'perimysial', inFibre: false };
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

  it('is judged on the whole section: the tissue QC excluded and the fibres it left out count', () => {
    const params = paramsForMarker('MHC-I');
    // 30 fibres kept on 0.25 mm²; QC excluded another 0.25 mm² holding `out` fibres of 2500 µm²
    const withQc = (out: number): TileResult => ({
      ...tile(30),
      qc: {
        blockPx: 16, blockUm: 8, cols: 0, rows: 0, x0: 0, y0: 0,
        excludedTissuePixels: { focus: 0, fold: 0, ice: 1_000_000, pen: 0, bubble: 0, any: 1_000_000 },
        masks: { focus: '', fold: '', ice: '', pen: '', bubble: '' },
        excludedFibres: { count: out, areaUm2: 2500 * out },
      },
    });
    // 30 alone would cover 30% of the kept 0.25 mm²; with 25 left out (55 on 0.5 mm²) 27.5%
    expect(() => scoreSlide([withQc(25)], { mpp: MPP, marker: 'MHC-I', params })).toThrow(/55 segmented fibres cover 27\.5% of the 0\.500 mm² of tissue/);
    // 80 left out: 110 fibres cover 55% of the section; the grade is scored on the 30 kept
    expect(scoreSlide([withQc(80)], { mpp: MPP, marker: 'MHC-I', params }).markerScores!.mhc1).toMatchObject({ fibres: 30, grade: 0 });
  });

  it('the bar is a parameter (params.muscle.minFibreCoverage); 0 turns the check off', () => {
    expect(() => scoreSlide([tile(30)], { mpp: MPP, marker: 'MHC-I', params: paramsForMarker('MHC-I', { muscle: { minFibreCoverage: 0.25 } }) })).not.toThrow();
    expect(() => scoreSlide([tile(0)], { mpp: MPP, marker: 'MHC-I', params: paramsForMarker('MHC-I', { muscle: { minFibreCoverage: 0 } }) })).not.toThrow();
    expect(() => scoreSlide([tile(30)], { mpp: MPP, marker: 'MHC-I', params: paramsForMarker('MHC-I', { muscle: { minFibreCoverage: 0.4 } }) })).toThrow(/at least 40%/);
  });

  it('CD163 slides (located cells) without fibres keep their overall density and withhold every location, with the message; a non-muscle slide is never asked for fibres', () => {
    const cells = [{ ...cell(20, 20), grade: 2 as const }];
    const { markerScores } = scoreSlide([{ ...tile(0), detections: cells }], { mpp: MPP, marker: 'CD163', params: paramsForMarker('CD163') });
    // one 2+ cell on 0.25 mm²: 4 per mm², but no per-location densities
    expect(markerScores!.cd163!.positiveCellsPerMm2).toBeCloseTo(4, 6);
    expect(markerScores!.cd163!.byLocation).toBeNull();
    const why = /QC failed: no muscle fibres found — 0 segmented fibres cover 0\.0%.*minFibreCoverageLocated.*cell locations .* would be wrong/;
    expect(markerScores!.infiltrates).toBeNull();
    expect(markerScores!.skipped).toEqual([
      { scorer: 'cd163', reason: expect.stringMatching(new RegExp(`^densities by location: ${why.source}`)) },
      { scorer: 'infiltrates', reason: expect.stringMatching(why) },
    ]);
    // the bar is a parameter; 0 turns it off and the location is given again
    const off = scoreSlide([{ ...tile(0), detections: cells }], { mpp: MPP, marker: 'CD163', params: paramsForMarker('CD163', { muscle: { minFibreCoverageLocated: 0 } }) });
    expect(off.markerScores!.cd163!.byLocation!.perimysial.cells).toBe(1);
    expect(off.markerScores!.skipped).toEqual([]);
    const { scores } = scoreSlide([{ ...tile(0), fibres: undefined }], { mpp: MPP, params: paramsForMarker(undefined) });
    expect(scores.tissueAreaMm2).toBeCloseTo(0.25, 6);
  });

  it('infiltrate markers (CD3) withhold their located scores when fibres do not group into fascicles ("no fascicles found"), and keep them when they do', () => {
    const params = paramsForMarker('CD3');
    const grouped = (size: number) => ({ ...tile(60), detections: [cell(20, 20)], fibres: tile(60).fibres!.map((f) => ({ ...f, fascicleFibres: size })) });
    // 60 fibres (60% coverage), each alone: no fascicle
    const alone = scoreSlide([grouped(1)], { mpp: MPP, marker: 'CD3', params }).markerScores!;
    expect(alone.infiltrates).toBeNull();
    expect(alone.skipped).toEqual([{ scorer: 'infiltrates', reason: expect.stringMatching(/^QC failed: no fascicles found — 0 of 60 segmented fibres \(0\.0%\) lie in a fascicle of at least 4 fibres .*minFascicledShare/) }]);
    // in fascicles of 4 fibres (params.muscle.fascicleMinFibres) the cell is located
    const inFascicles = scoreSlide([grouped(4)], { mpp: MPP, marker: 'CD3', params }).markerScores!;
    expect(inFascicles.skipped).toEqual([]);
    expect(inFascicles.infiltrates!.byLocation.perimysial.cells).toBe(1);
    // fibres stored before fascicle sizes existed are not judged
    expect(scoreSlide([{ ...tile(60), detections: [cell(20, 20)] }], { mpp: MPP, marker: 'CD3', params }).markerScores!.skipped).toEqual([]);
  });

  it('IL-1 slides (no location-based score) are never asked for fibres', () => {
    const { markerScores } = scoreSlide([tile(0)], { mpp: MPP, marker: 'IL-1Ra', params: paramsForMarker('IL-1Ra') });
    expect(markerScores!.il1).not.toBeNull();
    expect(markerScores!.skipped).toEqual([]);
  });
});
