/**
 * Issue 15: the classical and the learned nucleus detector side by side on held-out lab-realism
 * cell slides (stain drift up to 10°, illumination up to ±6 %, JPEG 70–90, whole fields,
 * artefacts; src/eval/lab-realism.ts), under conditions a detector trained on clean scenes never
 * saw: fibrous stroma in both stains, and scans at 0.25 and 1 µm/px that the analysis resamples.
 * Each slide is written once and analysed with both detectors through the whole pipeline (the
 * marker's registry parameters, QC on), so the two differ only in the detector.
 *
 * Seeds from DETECTOR_REALISM_SEED_BASE on: held out, never trained or tuned on (training uses
 * tuning seeds < 100, bench/train-model.ts).
 */
import type { AnalysisParamsInput } from '../domain/params.js';
import type { TileExecutor } from '../pipeline/executor.js';
import type { StromaTextureInput } from '../synthetic/stroma-texture.js';
import { evaluateStagedInScratchDir } from './in-scratch-dir.js';
import { LAB_REALISM_SEED_BASE, finishLabRealismCase, labRealismCases, prepareLabRealismCase, type LabRealismCase, type LabRealismRow } from './lab-realism.js';

/** the lab-realism set's own held-out seeds: its cell slides, under every condition below */
export const DETECTOR_REALISM_SEED_BASE = LAB_REALISM_SEED_BASE;

/** Issue 15 acceptance: model F1 ≥ 0.95, not below classical by more than 0.01; H-score within 10 points. */
export const DETECTOR_REALISM_ACCEPTANCE = { f1: 0.95, f1BelowClassical: 0.01, hScorePoints: 10 } as const;

/**
 * Fibrous stroma as strong as the independent slide: there the classical detector kept
 * F1 0.99 while the shipped model fell to 0.65. Calibrated on tuning seeds 50–60 (the first six
 * cell slides of labRealismCases(50); bench/calibrate-stroma.ts), classical detector only: mean F1
 * 0.991 (DENSE_STROMA: 0.953).
 */
export const HELDOUT_STROMA: StromaTextureInput = { h: 0.15, dab: 0.06, spacingUm: 3, lengthUm: 25, granules: 0.15 };
/** Denser collagen, fibre crests near pale-nucleus OD: the classical detector falls too (reported, a harder bar). */
export const DENSE_STROMA: StromaTextureInput = { h: 0.22, dab: 0.08, spacingUm: 3, lengthUm: 25, granules: 0.3 };

export interface DetectorRealismCondition {
  name: string;
  stroma?: StromaTextureInput;
  mpp?: number;
}

export const DETECTOR_REALISM_CONDITIONS: readonly DetectorRealismCondition[] = [
  { name: 'lab realism' },
  { name: 'lab realism + fibrous stroma', stroma: HELDOUT_STROMA },
  { name: 'lab realism + dense fibrous stroma', stroma: DENSE_STROMA },
  { name: 'fibrous stroma, scanned 0.25 µm/px', stroma: HELDOUT_STROMA, mpp: 0.25 },
  { name: 'fibrous stroma, scanned 1 µm/px', stroma: HELDOUT_STROMA, mpp: 1 },
];

export interface DetectorRealismRow {
  condition: string;
  case: LabRealismCase;
  classical: LabRealismRow;
  model: LabRealismRow;
}

export interface DetectorRealismItem {
  condition: string;
  c: LabRealismCase;
  /** side px: the same field (size px at 0.5 µm/px) at every scan pixel size */
  size: number;
}

/** The lab-realism set's cell slides (`rounds` of every cell-grading marker), once per condition; `size` px at 0.5 µm/px. */
export function detectorRealismCases(conditions: readonly DetectorRealismCondition[], rounds = 1, size = 1024): DetectorRealismItem[] {
  const cells = labRealismCases(DETECTOR_REALISM_SEED_BASE, rounds).filter((c) => c.kind === 'cells');
  return conditions.flatMap((k) =>
    cells.map((c) => ({ condition: k.name, c: { ...c, ...(k.stroma ? { stroma: k.stroma } : {}), ...(k.mpp ? { mpp: k.mpp } : {}) }, size: Math.round((size * 0.5) / (k.mpp ?? 0.5)) })),
  );
}

/** Each slide written once, analysed by both detectors (user params under each). */
export async function evaluateDetectorRealism(
  items: readonly DetectorRealismItem[],
  opts: { executor: TileExecutor; params?: AnalysisParamsInput; onRow?: (row: DetectorRealismRow) => void },
): Promise<DetectorRealismRow[]> {
  return evaluateStagedInScratchDir(
    'bq-detector-realism-',
    items,
    (it, _i, dir) => prepareLabRealismCase(it.c, dir, it.size),
    async (prep, it) => {
      const classical = await finishLabRealismCase({ ...prep, row: { ...prep.row } }, opts.executor, { ...opts.params, detector: 'classical' });
      const model = await finishLabRealismCase({ ...prep, row: { ...prep.row } }, opts.executor, { ...opts.params, detector: 'model' });
      return { condition: it.condition, case: it.c, classical, model };
    },
    opts.onRow,
  );
}

export interface DetectorRealismSummary {
  condition: string;
  slides: number;
  classical: { f1: number; precision: number; recall: number; hScoreErr: number; maxHScoreErr: number };
  model: { f1: number; precision: number; recall: number; hScoreErr: number; maxHScoreErr: number };
}

/** Mean F1/P/R and mean and worst |H-score error| per condition, each detector. */
export function summariseDetectorRealism(rows: readonly DetectorRealismRow[]): DetectorRealismSummary[] {
  const names = [...new Set(rows.map((r) => r.condition))];
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
  const side = (rs: LabRealismRow[]) => ({
    f1: mean(rs.map((r) => r.nuclei?.f1 ?? 0)),
    precision: mean(rs.map((r) => r.nuclei?.precision ?? 0)),
    recall: mean(rs.map((r) => r.nuclei?.recall ?? 0)),
    hScoreErr: mean(rs.map((r) => r.hScore?.error ?? Infinity)),
    maxHScoreErr: Math.max(...rs.map((r) => r.hScore?.error ?? Infinity)),
  });
  return names.map((condition) => {
    const rs = rows.filter((r) => r.condition === condition && !r.classical.error && !r.classical.allExcluded);
    return { condition, slides: rs.length, classical: side(rs.map((r) => r.classical)), model: side(rs.map((r) => r.model)) };
  });
}

/** The acceptance failures of one condition's summary, in words (empty when the model passes). */
export function detectorRealismFailures(s: DetectorRealismSummary): string[] {
  const A = DETECTOR_REALISM_ACCEPTANCE;
  const out: string[] = [];
  if (!(s.model.f1 >= A.f1)) out.push(`model F1 ${s.model.f1.toFixed(3)} < ${A.f1}`);
  if (!(s.model.f1 >= s.classical.f1 - A.f1BelowClassical)) out.push(`model F1 ${s.model.f1.toFixed(3)} below classical ${s.classical.f1.toFixed(3)} by more than ${A.f1BelowClassical}`);
  if (!(s.model.maxHScoreErr <= A.hScorePoints)) out.push(`model H-score off by up to ${s.model.maxHScoreErr.toFixed(1)} points`);
  return out;
}
