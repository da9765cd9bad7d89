/**
 * What `npm run demo` prints against the ground truth written beside each shipped slide: for a
 * muscle section (src/synthetic/muscle) tissue area, nuclei and fibres found vs planted, and the
 * marker's own scores (CD163+ density and its endomysial / perimysial / perivascular split, IL-1
 * "expressed", % DAB area, pixel H-score, MHC-I grade); for a cell scene (src/synthetic/scene.ts)
 * the cell F1, grade accuracy, H-score and density. Each figure carries the bar it must meet;
 * the bars are the project's acceptance bars, so a demo slide off by more is a regression.
 */
import type { SlideSuccess } from '../pipeline/analyse-slide.js';
import { evaluateMuscleSlide, MUSCLE_ACCEPTANCE } from '../eval/evaluate-muscle-slide.js';
import { ACCEPTANCE, evaluateSlide } from '../eval/evaluate-slide.js';
import { MUSCLE_GENERATOR_ID } from '../synthetic/muscle/truth-of.js';
import { MuscleGroundTruth } from '../synthetic/muscle/truth.js';
import { GroundTruth } from '../synthetic/truth.js';

export const DEMO_BARS = {
  /** issue 10: tissue area within 5% of truth (lab-realism bar) */
  tissueRelErr: 0.05,
  /** issue 10: nucleus F1 ≥ 0.95 */
  nucleusF1: 0.95,
  fibreF1: MUSCLE_ACCEPTANCE.fibreF1,
  feretRelErr: MUSCLE_ACCEPTANCE.feretRelErr,
  cd163RelErr: MUSCLE_ACCEPTANCE.cd163RelErr,
  /** each location's CD163+ density within this share of the slide's total true density */
  locationShareOfTotal: 0.1,
  locationAccuracy: MUSCLE_ACCEPTANCE.locationAccuracy,
  pctAreaPoints: ACCEPTANCE.pctPositiveAreaPoints,
  pixelHScorePoints: ACCEPTANCE.hScorePoints,
  mhcGradeMaxOff: MUSCLE_ACCEPTANCE.mhcGradeMaxOff,
  /** issue 10: % positive fibres within 3 points */
  mhcPctPoints: 3,
} as const;

/** One figure of one slide: truth ('' for a share that is 1 when perfect) and found as printed (line breaks where a table cell may wrap); ok null = shown only, no bar. */
export interface DemoCheck {
  measure: string;
  truth: string;
  found: string;
  bar: string;
  ok: boolean | null;
}

export interface DemoTruthComparison {
  kind: 'muscle' | 'cells';
  checks: DemoCheck[];
}

export type DemoTruth = { kind: 'muscle'; truth: MuscleGroundTruth } | { kind: 'cells'; truth: GroundTruth };

/** A truth file of either generator, told apart by its generator id. */
export function parseDemoTruth(json: unknown): DemoTruth {
  const generator = (json as { generator?: unknown } | null)?.generator;
  return generator === MUSCLE_GENERATOR_ID ? { kind: 'muscle', truth: MuscleGroundTruth.parse(json) } : { kind: 'cells', truth: GroundTruth.parse(json) };
}

/** What the comparison reads of an analysed slide. */
export type AnalysedSlide = Pick<SlideSuccess, 'scores' | 'markerScores' | 'detections' | 'fibres'>;

export function compareWithTruth(outcome: AnalysedSlide, t: DemoTruth): DemoTruthComparison {
  return t.kind === 'muscle' ? { kind: 'muscle', checks: muscleChecks(outcome, t.truth) } : { kind: 'cells', checks: cellChecks(outcome, t.truth) };
}

const pct = (v: number): string => `${(v * 100).toFixed(0)}%`;
const slash = (truth: number, found: number, digits: number): [string, string] => [truth.toFixed(digits), found.toFixed(digits)];
const relErr = (found: number, truth: number): number => (truth === 0 ? (found === 0 ? 0 : Infinity) : Math.abs(found - truth) / truth);

function check(measure: string, [truth, found]: [string, string], bar: string, ok: boolean | null): DemoCheck {
  return { measure, truth, found, bar, ok };
}

function muscleChecks(o: AnalysedSlide, truth: MuscleGroundTruth): DemoCheck[] {
  const e = evaluateMuscleSlide({ detections: o.detections, fibres: o.fibres, markerScores: o.markerScores, tissueAreaMm2: o.scores.tissueAreaMm2 }, truth);
  const t = truth.scores;
  const b = DEMO_BARS;
  const out: DemoCheck[] = [
    check('tissue mm²', slash(e.tissueAreaMm2.truth, e.tissueAreaMm2.found, 3), `±${pct(b.tissueRelErr)}`, e.tissueAreaMm2.relErr <= b.tissueRelErr),
    check('nuclei', [`${e.nuclei.truth}`, `${e.nuclei.found}\nF1 ${e.nuclei.f1.toFixed(3)}`], `F1 ≥ ${b.nucleusF1}`, e.nuclei.f1 >= b.nucleusF1),
    check('fibres', [`${e.fibres.truth}`, `${e.fibres.found}\nF1 ${e.fibres.f1.toFixed(3)}`], `F1 ≥ ${b.fibreF1}`, e.fibres.f1 >= b.fibreF1),
    check('min Feret\nerror', ['', pct(e.fibres.medianFeretRelErr)], `median ≤ ${pct(b.feretRelErr)}`, e.fibres.medianFeretRelErr <= b.feretRelErr),
  ];
  const ms = o.markerScores;
  if (e.cd163) {
    out.push(check('CD163+\n/ mm²', slash(e.cd163.truthPerMm2, e.cd163.perMm2, 1), `±${pct(b.cd163RelErr)}`, e.cd163.relErr <= b.cd163RelErr));
    const split = ms?.cd163?.byLocation;
    if (split) {
      const tl = t.cd163PerMm2ByLocation;
      const locs = ['endomysial', 'perimysial', 'perivascular'] as const;
      const worst = Math.max(...locs.map((l) => Math.abs(split[l].cellsPerMm2 - tl[l])));
      out.push(
        check(
          'CD163+ / mm²\nendo/peri/vasc',
          [locs.map((l) => tl[l].toFixed(0)).join('/'), locs.map((l) => split[l].cellsPerMm2.toFixed(0)).join('/')],
          `±${pct(b.locationShareOfTotal)} of total`,
          worst <= b.locationShareOfTotal * t.cd163PerMm2,
        ),
      );
    }
    // where each inflammatory cell lies is only reported for markers that score locations
    out.push(check('located\nas planted', ['', `${e.location.accuracy.toFixed(3)}\nof ${e.location.matched}`], `≥ ${b.locationAccuracy}`, e.location.accuracy >= b.locationAccuracy));
  }
  if (e.mhc1) {
    out.push(check('MHC-I grade', [`${e.mhc1.truthGrade}`, `${e.mhc1.grade}`], `±${b.mhcGradeMaxOff}`, Math.abs(e.mhc1.grade - e.mhc1.truthGrade) <= b.mhcGradeMaxOff));
    out.push(check('MHC-I %\npositive fibres', slash(e.mhc1.truthPct, e.mhc1.pctPositive, 1), `±${b.mhcPctPoints} points`, Math.abs(e.mhc1.pctPositive - e.mhc1.truthPct) <= b.mhcPctPoints));
  }
  if (e.clusters) out.push(check('infiltrate\nclusters', [`${e.clusters.truth}`, `${e.clusters.found}`], 'shown', null));
  out.push(check('% DAB\narea', slash(t.pctPositiveArea, o.scores.pctPositiveArea, 2), `±${b.pctAreaPoints} points`, Math.abs(o.scores.pctPositiveArea - t.pctPositiveArea) <= b.pctAreaPoints));
  out.push(check('pixel\nH-score', slash(t.pixelHScore, o.scores.pixelHScore, 1), `±${b.pixelHScorePoints} points`, Math.abs(o.scores.pixelHScore - t.pixelHScore) <= b.pixelHScorePoints));
  if (e.il1) {
    // no bar: the truth counts cells planted DAB+, while myonuclei inside the diffuse IL-1 staining
    // grade positive on their cytoplasm and lymphocytes' thin rims grade low (README "What the demo shows")
    out.push(check('DAB+ cells\n/ mm²', slash(t.positiveCellsPerMm2, o.scores.positiveCellsPerMm2, 1), 'shown', null));
    out.push(check('IL-1\nexpressed', [yesNo(e.il1.truth), yesNo(e.il1.expressed)], 'same call', e.il1.expressed === e.il1.truth));
  }
  return out;
}

function cellChecks(o: AnalysedSlide, truth: GroundTruth): DemoCheck[] {
  const e = evaluateSlide(truth, o.detections, o.scores);
  const a = ACCEPTANCE;
  return [
    check('cells', [`${e.truthCells}`, `${e.detected}\nF1 ${e.f1.toFixed(3)}`], `F1 ≥ ${a.f1}`, e.f1 >= a.f1),
    check('pos/neg\naccuracy', ['', e.posNegAccuracy.toFixed(3)], `≥ ${a.posNegAccuracy}`, e.posNegAccuracy >= a.posNegAccuracy),
    check('grade\naccuracy', ['', e.gradeAccuracy.toFixed(3)], `≥ ${a.gradeAccuracy}`, e.gradeAccuracy >= a.gradeAccuracy),
    check('H-score', slash(e.hScore.truth, e.hScore.found, 1), `±${a.hScorePoints} points`, e.hScore.error <= a.hScorePoints),
    check('% DAB\narea', slash(e.pctPositiveArea.truth, e.pctPositiveArea.found, 2), `±${a.pctPositiveAreaPoints} points`, e.pctPositiveArea.error <= a.pctPositiveAreaPoints),
    check('cells\n/ mm²', slash(e.density.truth, e.density.found, 0), `±${pct(a.densityRelative)}`, relErr(e.density.found, e.density.truth) <= a.densityRelative),
  ];
}

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}
