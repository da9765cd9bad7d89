import { z } from 'zod';
import { AnalysisError } from '../errors/index.js';
import { Il1Params } from '../domain/params.js';

/**
 * IL-1α, IL-1β, IL-1Ra (SCIENCE.md "Scores"): % positive area, pixel-wise H-score, positive
 * cells/mm² (all three already in SlideScores), and the study's binary "expressed" call
 * ("all responders had IL-1Ra expression post-treatment, 3/8 non-responders").
 *
 * The thresholds of the call are AnalysisParams.il1 (params.ts: own choice, and why). A value
 * equal to a threshold counts as expressed.
 */
export const Il1Thresholds = Il1Params;
export type Il1Thresholds = z.infer<typeof Il1Thresholds>;
export type Il1ThresholdsInput = z.input<typeof Il1Thresholds>;

export const Il1Input = z.object({
  pctPositiveArea: z.number().min(0).max(100),
  pixelHScore: z.number().min(0).max(300),
  positiveCellsPerMm2: z.number().nonnegative(),
});
export type Il1Input = z.infer<typeof Il1Input>;

export const Il1Scores = z.object({
  pctPositiveArea: z.number().min(0).max(100),
  pixelHScore: z.number().min(0).max(300),
  positiveCellsPerMm2: z.number().nonnegative(),
  expressed: z.boolean(),
  /** which criteria were met; empty when not expressed */
  expressedBy: z.array(z.enum(['area', 'cells'])),
  thresholds: Il1Thresholds,
});
export type Il1Scores = z.infer<typeof Il1Scores>;

/**
 * IL-1 scores from the slide's generic scores (SlideScores has all three inputs). Inputs are
 * validated: a NaN or out-of-range value would otherwise silently call "not expressed".
 */
export function scoreIl1(input: Il1Input, thresholds: Il1ThresholdsInput = {}): Il1Scores {
  const vr = Il1Input.safeParse(input);
  if (!vr.success) throw new AnalysisError(`IL-1 scores: bad slide scores (${describe(vr.error)})`);
  const tr = Il1Thresholds.safeParse(thresholds);
  if (!tr.success) throw new AnalysisError(`IL-1 scores: bad "expressed" thresholds (${describe(tr.error)})`);
  const v = vr.data;
  const t = tr.data;
  const expressedBy: ('area' | 'cells')[] = [];
  if (v.pctPositiveArea >= t.minPctPositiveArea) expressedBy.push('area');
  if (v.positiveCellsPerMm2 >= t.minPositiveCellsPerMm2) expressedBy.push('cells');
  return Il1Scores.parse({
    pctPositiveArea: v.pctPositiveArea,
    pixelHScore: v.pixelHScore,
    positiveCellsPerMm2: v.positiveCellsPerMm2,
    expressed: expressedBy.length > 0,
    expressedBy,
    thresholds: t,
  });
}

function describe(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}
