import type { Detection } from '../domain/detection.js';
import type { SlideScores } from '../domain/scores.js';
import type { GroundTruth } from '../synthetic/truth.js';
import { matchCentroids } from './match.js';

/** Acceptance bars of issue 2 for held-out synthetic slides. */
export const ACCEPTANCE = {
  /** centroid match radius, µm */
  matchRadiusUm: 4,
  f1: 0.9,
  posNegAccuracy: 0.9,
  gradeAccuracy: 0.8,
  hScorePoints: 10,
  pctPositiveAreaPoints: 2,
  densityRelative: 0.05,
} as const;

export interface SlideEvaluation {
  truthCells: number;
  detected: number;
  precision: number;
  recall: number;
  f1: number;
  /** over matched cells: positive (grade ≥ 1) agrees with truth */
  posNegAccuracy: number;
  /** over matched cells: 0/1+/2+/3+ agrees with truth */
  gradeAccuracy: number;
  hScore: { truth: number; found: number; error: number };
  pctPositiveArea: { truth: number; found: number; error: number };
  /** cells per mm² of tissue */
  density: { truth: number; found: number; relError: number };
  tissueArea: { truth: number; found: number; relError: number };
}

export function evaluateSlide(truth: GroundTruth, detections: readonly Detection[], scores: SlideScores): SlideEvaluation {
  const m = matchCentroids(truth.cells, detections, ACCEPTANCE.matchRadiusUm);
  let posNegOk = 0;
  let gradeOk = 0;
  for (const [t, f] of m.pairs) {
    const tg = truth.cells[t].grade;
    const fg = detections[f].grade;
    if (tg > 0 === fg > 0) posNegOk++;
    if (tg === fg) gradeOk++;
  }
  const n = m.pairs.length;
  const rel = (found: number, want: number) => (want === 0 ? (found === 0 ? 0 : Infinity) : Math.abs(found - want) / want);
  return {
    truthCells: truth.cells.length,
    detected: detections.length,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    posNegAccuracy: n ? posNegOk / n : 0,
    gradeAccuracy: n ? gradeOk / n : 0,
    hScore: { truth: truth.scores.hScore, found: scores.hScore, error: Math.abs(scores.hScore - truth.scores.hScore) },
    pctPositiveArea: {
      truth: truth.scores.pctPositiveArea,
      found: scores.pctPositiveArea,
      error: Math.abs(scores.pctPositiveArea - truth.scores.pctPositiveArea),
    },
    density: {
      truth: truth.scores.cellsPerMm2,
      found: scores.cellsPerMm2,
      relError: rel(scores.cellsPerMm2, truth.scores.cellsPerMm2),
    },
    tissueArea: { truth: truth.tissueAreaMm2, found: scores.tissueAreaMm2, relError: rel(scores.tissueAreaMm2, truth.tissueAreaMm2) },
  };
}

/** Which acceptance bars an evaluation misses (empty when all hold). */
export function acceptanceFailures(e: SlideEvaluation): string[] {
  const out: string[] = [];
  if (e.f1 < ACCEPTANCE.f1) out.push(`F1 ${e.f1.toFixed(3)} < ${ACCEPTANCE.f1}`);
  if (e.posNegAccuracy < ACCEPTANCE.posNegAccuracy) out.push(`pos/neg accuracy ${e.posNegAccuracy.toFixed(3)} < ${ACCEPTANCE.posNegAccuracy}`);
  if (e.gradeAccuracy < ACCEPTANCE.gradeAccuracy) out.push(`grade accuracy ${e.gradeAccuracy.toFixed(3)} < ${ACCEPTANCE.gradeAccuracy}`);
  if (e.hScore.error > ACCEPTANCE.hScorePoints) out.push(`H-score off by ${e.hScore.error.toFixed(1)} > ${ACCEPTANCE.hScorePoints}`);
  if (e.pctPositiveArea.error > ACCEPTANCE.pctPositiveAreaPoints)
    out.push(`% positive area off by ${e.pctPositiveArea.error.toFixed(2)} pp > ${ACCEPTANCE.pctPositiveAreaPoints}`);
  if (e.density.relError > ACCEPTANCE.densityRelative)
    out.push(`density off by ${(e.density.relError * 100).toFixed(1)}% > ${ACCEPTANCE.densityRelative * 100}%`);
  return out;
}
