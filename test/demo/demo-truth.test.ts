import { describe, expect, it } from 'vitest';
import type { Detection, FibreRecord } from '../../src/domain/detection.js';
import type { SlideScores } from '../../src/domain/scores.js';
import { compareWithTruth, DEMO_BARS, parseDemoTruth, type AnalysedSlide, type DemoCheck } from '../../src/demo/demo-truth.js';
import type { MarkerScores } from '../../src/score/marker-scores.js';
import { makeMuscleScene, muscleTruthOf, type MuscleGroundTruth } from '../../src/synthetic/muscle/index.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';
import type { GroundTruth } from '../../src/synthetic/truth.js';

/**
 * The demo's comparison against a planted truth, fed an "analysis" built from that truth (every
 * cell and fibre found where planted, every score equal), then moved past one bar at a time.
 */
const LOCS = ['endomysial', 'perimysial', 'perivascular'] as const;

function slideScores(over: Partial<SlideScores>): SlideScores {
  return {
    tissueAreaMm2: 0, cells: 0, cellsPerMm2: 0, positiveCells: 0, positiveCellsPerMm2: 0, pctNegative: 100, pct1: 0, pct2: 0, pct3: 0, pctPositive: 0,
    hScore: 0, allredProportion: 0, allredIntensity: 0, allred: 0, pctPositiveArea: 0, pixelHScore: 0, ...over,
  };
}

function detection(x: number, y: number, grade: number, location?: Detection['location']): Detection {
  return { x, y, nucleusAreaUm2: 30, cellAreaUm2: 80, hematoxylinOd: 0.5, dabNucleus: 0, dabCytoplasm: 0, dabCell: 0, grade, location, inFibre: false };
}

function perfectMuscle(truth: MuscleGroundTruth): AnalysedSlide {
  const t = truth.scores;
  const fibres: FibreRecord[] = truth.fibres.map((f) => ({
    x: f.centroid[0], y: f.centroid[1], areaUm2: f.areaUm2, minFeretUm: f.minFeretUm, ringDab: 0, interiorDab: 0, peripheralNuclei: 0, internalNuclei: 0, perifascicular: f.perifascicular, contour: f.polygon,
  }));
  const positive = truth.cells.filter((c) => c.dabPositive).length;
  const markerScores: MarkerScores = {
    marker: truth.marker === 'CD163' ? 'CD163' : 'IL-1Ra',
    cd163:
      truth.marker === 'CD163'
        ? {
            tissueAreaMm2: t.tissueAreaMm2,
            positiveCells: positive,
            positiveCellsPerMm2: t.cd163PerMm2,
            pctPositiveArea: t.pctPositiveArea,
            byLocation: Object.fromEntries(LOCS.map((l) => [l, { cells: Math.round(t.cd163PerMm2ByLocation[l] * t.tissueAreaMm2), cellsPerMm2: t.cd163PerMm2ByLocation[l] }])) as never,
          }
        : null,
    infiltrates: null,
    il1:
      t.il1Expressed === null
        ? null
        : { pctPositiveArea: t.pctPositiveArea, pixelHScore: t.pixelHScore, positiveCellsPerMm2: t.positiveCellsPerMm2, expressed: t.il1Expressed, expressedBy: t.il1Expressed ? ['area'] : [], thresholds: { minPctPositiveArea: 1, minPositiveCellsPerMm2: 10 } },
    mhc1: null,
    skipped: [],
  };
  return {
    scores: slideScores({ tissueAreaMm2: t.tissueAreaMm2, cells: truth.cells.length, positiveCells: positive, positiveCellsPerMm2: t.positiveCellsPerMm2, pctPositiveArea: t.pctPositiveArea, pixelHScore: t.pixelHScore }),
    markerScores,
    detections: truth.cells.map((c) => detection(c.x, c.y, c.dabPositive ? 1 : 0, c.location)),
    fibres,
  };
}

const byMeasure = (checks: DemoCheck[]): Record<string, DemoCheck> => Object.fromEntries(checks.map((c) => [c.measure.replace(/\n/g, ' '), c]));
const failed = (checks: DemoCheck[]): string[] => checks.filter((c) => c.ok === false).map((c) => c.measure.replace(/\n/g, ' '));

describe('demo comparison with a muscle truth', () => {
  const cd163 = muscleTruthOf(makeMuscleScene({ seed: 31, width: 768, height: 768, marker: 'CD163', sectionMarginUm: 40, macrophagesPerMm2: 200, vesselsPerMm2: 15 }));
  const il1 = muscleTruthOf(makeMuscleScene({ seed: 32, width: 640, height: 640, marker: 'IL-1Ra', il1Expressed: true }));

  it('tells the truth files apart by generator', () => {
    expect(parseDemoTruth(JSON.parse(JSON.stringify(cd163))).kind).toBe('muscle');
    expect(parseDemoTruth(JSON.parse(JSON.stringify(truthOf(makeScene({ seed: 33, width: 256, height: 256 }))))).kind).toBe('cells');
    expect(() => parseDemoTruth({ generator: 'something else' })).toThrow();
  });

  it('a CD163 analysis equal to the truth meets every bar and prints the planted figures', () => {
    const c = compareWithTruth(perfectMuscle(cd163), { kind: 'muscle', truth: cd163 });
    expect(c.kind).toBe('muscle');
    expect(failed(c.checks)).toEqual([]);
    const m = byMeasure(c.checks);
    expect(Object.keys(m)).toEqual(['tissue mm²', 'nuclei', 'fibres', 'min Feret error', 'CD163+ / mm²', 'CD163+ / mm² endo/peri/vasc', 'located as planted', '% DAB area', 'pixel H-score']);
    expect(m['CD163+ / mm²'].truth).toBe(cd163.scores.cd163PerMm2.toFixed(1));
    expect(m['CD163+ / mm²'].found).toBe(cd163.scores.cd163PerMm2.toFixed(1));
    expect(m['fibres'].found).toBe(`${cd163.fibres.length}\nF1 1.000`);
    expect(m['located as planted'].found).toMatch(/^1\.000\nof \d+$/);
    // the scene has cells in all three places, so the split is a real one
    for (const l of LOCS) expect(cd163.scores.cd163PerMm2ByLocation[l]).toBeGreaterThan(0);
  });

  it('a figure past its bar fails, one at a time', () => {
    const t = cd163.scores;
    const cases: [string, (a: AnalysedSlide) => void][] = [
      ['tissue mm²', (a) => void (a.scores.tissueAreaMm2 = t.tissueAreaMm2 * (1 + DEMO_BARS.tissueRelErr + 0.01))],
      ['CD163+ / mm²', (a) => void (a.markerScores!.cd163!.positiveCellsPerMm2 = t.cd163PerMm2 * (1 - DEMO_BARS.cd163RelErr - 0.01))],
      ['% DAB area', (a) => void (a.scores.pctPositiveArea = t.pctPositiveArea + DEMO_BARS.pctAreaPoints + 0.1)],
      ['pixel H-score', (a) => void (a.scores.pixelHScore = t.pixelHScore + DEMO_BARS.pixelHScorePoints + 0.1)],
      ['fibres', (a) => void (a.fibres = a.fibres.slice(0, Math.floor(a.fibres.length * 0.6)))],
      ['nuclei', (a) => void (a.detections = a.detections.filter((_, i) => i % 5 !== 0))],
      [
        'CD163+ / mm² endo/peri/vasc',
        (a) => {
          const s = a.markerScores!.cd163!.byLocation!;
          const moved = DEMO_BARS.locationShareOfTotal * t.cd163PerMm2 + 1;
          s.endomysial.cellsPerMm2 -= moved;
          s.perimysial.cellsPerMm2 += moved;
        },
      ],
    ];
    for (const [measure, spoil] of cases) {
      const a = perfectMuscle(cd163);
      spoil(a);
      expect(failed(compareWithTruth(a, { kind: 'muscle', truth: cd163 }).checks), measure).toEqual([measure]);
    }
    // every inflammatory cell placed in the wrong compartment
    const a = perfectMuscle(cd163);
    a.detections = a.detections.map((d) => ({ ...d, location: d.location === 'endomysial' ? 'perimysial' : 'endomysial' }));
    expect(failed(compareWithTruth(a, { kind: 'muscle', truth: cd163 }).checks)).toEqual(['located as planted']);
  });

  it('IL-1Ra: the expressed call must agree; DAB+ cells are shown without a bar', () => {
    expect(il1.scores.il1Expressed).toBe(true);
    const a = perfectMuscle(il1);
    const m = byMeasure(compareWithTruth(a, { kind: 'muscle', truth: il1 }).checks);
    expect(m['IL-1 expressed']).toMatchObject({ truth: 'yes', found: 'yes', ok: true });
    expect(m['DAB+ cells / mm²'].ok).toBeNull();
    expect(m['CD163+ / mm²']).toBeUndefined();
    a.markerScores!.il1!.expressed = false;
    expect(failed(compareWithTruth(a, { kind: 'muscle', truth: il1 }).checks)).toEqual(['IL-1 expressed']);
  });
});

describe('demo comparison with a cell truth', () => {
  const truth: GroundTruth = truthOf(makeScene({ seed: 34, width: 512, height: 512, fractionPositive: 0.4 }));
  const perfect = (): AnalysedSlide => ({
    scores: slideScores({ tissueAreaMm2: truth.tissueAreaMm2, cellsPerMm2: truth.scores.cellsPerMm2, hScore: truth.scores.hScore, pctPositiveArea: truth.scores.pctPositiveArea }),
    markerScores: null,
    detections: truth.cells.map((c) => detection(c.x, c.y, c.grade)),
    fibres: [],
  });

  it('equal to the truth meets every bar; an H-score 11 points off fails', () => {
    const ok = compareWithTruth(perfect(), { kind: 'cells', truth });
    expect(ok.kind).toBe('cells');
    expect(failed(ok.checks)).toEqual([]);
    expect(byMeasure(ok.checks)['H-score'].truth).toBe(truth.scores.hScore.toFixed(1));
    const off = perfect();
    off.scores.hScore = truth.scores.hScore + 11;
    expect(failed(compareWithTruth(off, { kind: 'cells', truth }).checks)).toEqual(['H-score']);
  });
});
