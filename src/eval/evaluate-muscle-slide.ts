import type { Detection, FibreRecord } from '../domain/detection.js';
import type { MarkerScores } from '../score/marker-scores.js';
import type { MuscleGroundTruth } from '../synthetic/muscle/truth.js';
import { matchCentroids } from './match.js';
import { convexIou } from './polygon-iou.js';

/**
 * Issue 4's acceptance bars (per held-out slide unless said otherwise). Fibre F1 at IoU ≥ 0.5 and
 * min Feret within 10% (median over matched fibres); MHC-I grade exact on ≥ 90% of MHC-I slides and
 * never off by more than 1; CD163 density within 10%; infiltrate location accuracy ≥ 0.80; cluster
 * count exact on ≥ 80% of infiltrate slides; IL-1 expressed call right on ≥ 95% of IL-1 slides.
 */
export const MUSCLE_ACCEPTANCE = {
  fibreF1: 0.85,
  fibreIou: 0.5,
  feretRelErr: 0.1,
  mhcGradeExactShare: 0.9,
  mhcGradeMaxOff: 1,
  cd163RelErr: 0.1,
  locationAccuracy: 0.8,
  clusterExactShare: 0.8,
  il1Share: 0.95,
  /** nuclei: a detection within this of a planted centre is that cell (as in evaluate-slide.ts) */
  matchRadiusUm: 4,
} as const;

export interface MuscleEvaluation {
  marker: string;
  tissueAreaMm2: { found: number; truth: number; relErr: number };
  nuclei: { truth: number; found: number; f1: number };
  fibres: { truth: number; found: number; tp: number; f1: number; medianFeretRelErr: number; feretWithin10: number };
  /** inflammatory cells (lymphocytes, macrophages) matched to a detection: share located as planted */
  location: { matched: number; correct: number; accuracy: number };
  mhc1: { grade: number; truthGrade: number; pctPositive: number; truthPct: number } | null;
  cd163: { perMm2: number; truthPerMm2: number; relErr: number } | null;
  clusters: { found: number; truth: number } | null;
  il1: { expressed: boolean; truth: boolean } | null;
}

interface Found {
  detections: readonly Detection[];
  fibres: readonly FibreRecord[];
  markerScores: MarkerScores | null;
  tissueAreaMm2: number;
}

/** Compare one analysed muscle slide with its planted truth. */
export function evaluateMuscleSlide(found: Found, truth: MuscleGroundTruth): MuscleEvaluation {
  const t = truth.scores;
  const nuclei = matchCentroids(truth.cells, found.detections, MUSCLE_ACCEPTANCE.matchRadiusUm);

  const inflammatory = truth.cells.filter((c) => c.kind === 'infiltrate' || c.kind === 'macrophage');
  const lm = matchCentroids(inflammatory, found.detections, MUSCLE_ACCEPTANCE.matchRadiusUm);
  const correct = lm.pairs.filter(([ti, fi]) => found.detections[fi].location === inflammatory[ti].location).length;

  const ms = found.markerScores;
  return {
    marker: ms?.marker ?? truth.marker,
    tissueAreaMm2: { found: found.tissueAreaMm2, truth: t.tissueAreaMm2, relErr: Math.abs(found.tissueAreaMm2 - t.tissueAreaMm2) / t.tissueAreaMm2 },
    nuclei: { truth: truth.cells.length, found: found.detections.length, f1: nuclei.f1 },
    fibres: matchFibres(truth.fibres, found.fibres),
    location: { matched: lm.pairs.length, correct, accuracy: lm.pairs.length ? correct / lm.pairs.length : 1 },
    mhc1: ms?.mhc1 ? { grade: ms.mhc1.grade, truthGrade: t.mhcGrade, pctPositive: ms.mhc1.percentPositive, truthPct: t.mhcPctPositiveFibres } : null,
    cd163: ms?.cd163
      ? { perMm2: ms.cd163.positiveCellsPerMm2, truthPerMm2: t.cd163PerMm2, relErr: Math.abs(ms.cd163.positiveCellsPerMm2 - t.cd163PerMm2) / t.cd163PerMm2 }
      : null,
    clusters: ms?.infiltrates && truth.marker === 'infiltrate' ? { found: ms.infiltrates.clusters.length, truth: t.clusterCount } : null,
    il1: ms?.il1 && t.il1Expressed !== null ? { expressed: ms.il1.expressed, truth: t.il1Expressed } : null,
  };
}

/** Greedy one-to-one matching by IoU (highest first) among fibres whose centroids lie within 60 µm. */
function matchFibres(truth: MuscleGroundTruth['fibres'], found: readonly FibreRecord[]): MuscleEvaluation['fibres'] {
  const tc = truth.map((f) => ({ x: f.centroid[0], y: f.centroid[1] }));
  const cand: { t: number; f: number; iou: number }[] = [];
  for (let ti = 0; ti < truth.length; ti++) {
    for (let fi = 0; fi < found.length; fi++) {
      const dx = found[fi].x - tc[ti].x;
      const dy = found[fi].y - tc[ti].y;
      if (dx * dx + dy * dy > 60 * 60 || !found[fi].contour || found[fi].contour!.length < 3) continue;
      const iou = convexIou(truth[ti].polygon, found[fi].contour!);
      if (iou >= MUSCLE_ACCEPTANCE.fibreIou) cand.push({ t: ti, f: fi, iou });
    }
  }
  cand.sort((a, b) => b.iou - a.iou || a.t - b.t || a.f - b.f);
  const usedT = new Uint8Array(truth.length);
  const usedF = new Uint8Array(found.length);
  const errs: number[] = [];
  for (const c of cand) {
    if (usedT[c.t] || usedF[c.f]) continue;
    usedT[c.t] = usedF[c.f] = 1;
    errs.push(Math.abs(found[c.f].minFeretUm - truth[c.t].minFeretUm) / truth[c.t].minFeretUm);
  }
  const tp = errs.length;
  errs.sort((a, b) => a - b);
  const median = errs.length ? (errs.length % 2 ? errs[errs.length >> 1] : (errs[errs.length / 2 - 1] + errs[errs.length / 2]) / 2) : 0;
  return {
    truth: truth.length,
    found: found.length,
    tp,
    f1: truth.length + found.length ? (2 * tp) / (truth.length + found.length) : 1,
    medianFeretRelErr: median,
    feretWithin10: tp ? errs.filter((e) => e <= MUSCLE_ACCEPTANCE.feretRelErr).length / tp : 1,
  };
}
