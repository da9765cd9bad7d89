import { z } from 'zod';
import { findTimepoint, IsoDate, MarkerName, Timepoint } from './biopsy.js';
import { Pseudonym } from './patient.js';

/**
 * A pathologist's manual read of one score on one slide (issue 17): the slide named as the
 * cohort names it (patient, timepoint, marker), the rater, the day of the read and the value in
 * the score's own unit (a yes/no call as 1/0). The method comparison (src/cohort/validation) sets
 * these beside the tool's value for the same slide and score.
 */

/** The name the validation gives biopsy-quant itself; no rater may take it. */
export const TOOL_RATER = 'tool';

export const RaterId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a rater id (letters, digits, . _ -, at most 64 characters, no spaces)')
  .refine((r) => r.toLowerCase() !== TOOL_RATER, `"${TOOL_RATER}" is the name the validation gives biopsy-quant itself; choose another rater id`);

export const ManualScore = z.object({
  patient: Pseudonym,
  /** any spelling of a study timepoint ('M6', 'month 6'), stored as the study's name */
  timepoint: z.preprocess((v) => (typeof v === 'string' ? (findTimepoint(v) ?? v) : v), Timepoint),
  marker: MarkerName,
  rater: RaterId,
  /** day of the read, YYYY-MM-DD */
  date: IsoDate,
  /** a score name of the catalogue (src/cohort/validation/manual-scores.ts checks which) */
  score: z.string().regex(/^[a-z][A-Za-z0-9_]*$/),
  value: z.number().finite(),
  /** where the read came from: file and row, or file and GeoJSON class */
  source: z.string().min(1).max(512),
});
export type ManualScore = z.output<typeof ManualScore>;
export type ManualScoreInput = z.input<typeof ManualScore>;
