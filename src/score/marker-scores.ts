import { z } from 'zod';
import type { Detection } from '../domain/detection.js';
import { MarkerId, markerFor, runsScorer, ScorerId } from '../domain/marker.js';
import { SlideScores } from '../domain/scores.js';
import { Cd163Scores, scoreCd163 } from './cd163.js';
import type { Locate } from './cell-location.js';
import { Il1Scores, scoreIl1, type Il1ThresholdsInput } from './il1.js';
import { InfiltrateOptions, InfiltrateScores, scoreInfiltrates, type InfiltrateOptionsInput } from './infiltrates.js';
import { scoreMhc1, type Mhc1Fibre, type Mhc1Thresholds } from './mhc1.js';

/**
 * The muscle-specific scores of one slide, run as the slide's marker says (src/domain/marker.ts).
 * A scorer the marker runs but whose inputs are missing (no location classifier for infiltrates,
 * no segmented fibres for MHC-I) is listed in `skipped` with the reason instead of guessing.
 */
export const Mhc1Summary = z.object({
  fibres: z.number().int().nonnegative(),
  positive: z.number().int().nonnegative(),
  percentPositive: z.number().min(0).max(100),
  grade: z.number().int().min(0).max(5),
  pattern: z.enum(['none', 'diffuse', 'focal', 'perifascicular']),
});
export type Mhc1Summary = z.infer<typeof Mhc1Summary>;

export const MarkerScores = z.object({
  marker: MarkerId,
  cd163: Cd163Scores.nullable(),
  infiltrates: InfiltrateScores.nullable(),
  il1: Il1Scores.nullable(),
  mhc1: Mhc1Summary.nullable(),
  skipped: z.array(z.object({ scorer: ScorerId, reason: z.string() })),
});
export type MarkerScores = z.infer<typeof MarkerScores>;

export interface MarkerScoreInput {
  /** the slide's marker as submitted (any registry spelling) */
  marker: string;
  slide: SlideScores;
  /** detected cells of the slide (see infiltrateCandidates for which count as infiltrates) */
  cells: readonly Pick<Detection, 'x' | 'y' | 'grade' | 'inFibre'>[];
  /** per-tile pixel counts */
  tiles: readonly { tissuePixels: number; dabPositivePixels: number }[];
  mpp: number;
  locate?: Locate;
  /** why there is no locator (e.g. QC: no muscle fibres or fascicles found); listed in `skipped` for every located score */
  noLocationReason?: string;
  fibres?: readonly Mhc1Fibre[];
  infiltrateOptions?: InfiltrateOptionsInput;
  il1Thresholds?: Il1ThresholdsInput;
  /** lowest grade that counts as CD163+ (AnalysisParams.cd163.minGrade) */
  cd163MinGrade?: number;
  /** fibre positivity and pattern (AnalysisParams.mhc1); the defaults when absent */
  mhc1?: Mhc1Thresholds;
}

export function scoreMarker(input: MarkerScoreInput): MarkerScores {
  const spec = markerFor(input.marker);
  const out: MarkerScores = { marker: spec.id, cd163: null, infiltrates: null, il1: null, mhc1: null, skipped: [] };
  if (runsScorer(spec, 'cd163')) {
    out.cd163 = scoreCd163({ cells: input.cells, tiles: input.tiles, mpp: input.mpp, locate: input.locate, minGrade: input.cd163MinGrade });
    if (input.noLocationReason) out.skipped.push({ scorer: 'cd163', reason: `densities by location: ${input.noLocationReason}` });
  }
  if (runsScorer(spec, 'infiltrates')) {
    if (!input.locate) out.skipped.push({ scorer: 'infiltrates', reason: input.noLocationReason ?? 'no location classifier (fibre/perimysium masks and vessels) for this slide' });
    else if (!(input.slide.tissueAreaMm2 > 0)) out.skipped.push({ scorer: 'infiltrates', reason: 'no tissue area' });
    else out.infiltrates = scoreInfiltrates(infiltrateCandidates(input.cells, input.infiltrateOptions), input.locate, input.slide.tissueAreaMm2, input.infiltrateOptions).scores;
  }
  if (runsScorer(spec, 'il1')) out.il1 = scoreIl1(input.slide, input.il1Thresholds);
  if (runsScorer(spec, 'mhc1')) {
    if (!input.fibres) out.skipped.push({ scorer: 'mhc1', reason: 'no segmented fibres for this slide' });
    else {
      const m = scoreMhc1(input.fibres, input.mhc1);
      out.mhc1 = { fibres: m.fibres, positive: m.positive, percentPositive: m.percentPositive, grade: m.grade, pattern: m.pattern };
    }
  }
  return MarkerScores.parse(out);
}

/**
 * Cells that may count as infiltrates. Counting every nucleated cell (minGrade 0, H&E-like), cells
 * inside fibres are left out: they are myonuclei. Counting marker-positive cells (the default),
 * none is left out: myonuclei are unstained anyway, a positive cell inside a fibre outline is an
 * invading or fibre-abutting inflammatory cell, and the outline is least certain exactly where
 * cells crowd between fibres (tuning seed 30: 8 of a 14-cell endomysial cluster fell inside
 * segmented fibres and the cluster was lost).
 */
export function infiltrateCandidates<T extends { inFibre?: boolean }>(cells: readonly T[], options: InfiltrateOptionsInput = {}): readonly T[] {
  return InfiltrateOptions.parse(options).minGrade === 0 ? cells.filter((c) => !c.inFibre) : cells;
}
