import { z } from 'zod';
import type { Correction } from '../domain/corrections.js';
import { ReviewAction, ReviewState } from '../domain/review-state.js';
import type { LiveReview } from '../pipeline/review-analysis.js';
import { scoreJson } from './json-views.js';
import { ScoreJson } from './schemas.js';

/** The review (issue 12) as the API and the CLI show it: dates as ISO strings, the live scores as ScoreJson. */

const who = z.string().describe('token:<id> (cli for the command line)');

export const CorrectionJson = z.object({
  seq: z.number().int().describe('1, 2, … per analysis; corrections up to a seq are a correction set'),
  kind: z.enum(['reclassify', 'delete', 'add', 'fibre', 'revert']),
  target: z.string().describe("cell:<tileId>:<seq>, fibre:<tileId>:<index> or added:<seq> (an add's own seq)"),
  payload: z.record(z.string(), z.unknown()),
  author: who,
  createdAt: z.string(),
});

export const SignOffJson = z.object({
  version: z.number().int(),
  author: who,
  signedAt: z.string(),
  regionVersion: z.number().int().describe('the region version signed on (0: the whole slide)'),
  correctionSeq: z.number().int().describe('the correction set signed on: every correction with seq ≤ this'),
  corrections: z.number().int().describe('corrections in effect in the signed scores'),
});

export const ReviewJson = z.object({
  analysisId: z.number().int(),
  state: ReviewState,
  version: z.number().int().describe('0 while analysed; the signed version when signed off; the version in progress otherwise'),
  regionVersion: z.number().int().describe('the latest region version (0: none)'),
  correctionSeq: z.number().int().describe('the latest correction (0: none)'),
  signOffs: z.array(SignOffJson).describe('every signed version, oldest first; GET /analyses/{id}/review/signed/{version} has its scores'),
  scores: ScoreJson.describe('the live scores: the latest regions and every correction applied'),
});

export const CorrectionsJson = z.object({
  analysisId: z.number().int(),
  corrections: z.array(CorrectionJson).describe('every correction, oldest first (append-only)'),
  inEffect: z.array(z.object({ target: z.string(), effect: z.record(z.string(), z.unknown()) })).describe('what each corrected target is now (the latest correction per target wins)'),
});

export const SignedJson = SignOffJson.extend({ analysisId: z.number().int(), scores: ScoreJson.describe('the scores as signed') });

export const AuditJson = z.object({
  id: z.number().int(),
  actor: who,
  action: z.enum(['regions.save', 'correction.add', 'review.start', 'review.sign_off', 'review.reopen']),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  state: ReviewState.describe('the review state after the change'),
  version: z.number().int().describe('the review version after the change'),
  createdAt: z.string(),
});

export const ReviewBody = z.object({ action: ReviewAction.describe('start (analysed → in_review), sign_off (in_review → signed_off), reopen (signed_off → in_review, next version)') }).strict();

export function correctionJson(c: Correction): z.infer<typeof CorrectionJson> {
  return { seq: c.seq, kind: c.kind, target: c.target, payload: c.payload, author: c.author, createdAt: c.createdAt.toISOString() };
}

export function reviewJson(analysisId: number, r: LiveReview): z.infer<typeof ReviewJson> {
  const { status, rescoring } = r;
  return {
    analysisId,
    state: status.state,
    version: status.version,
    regionVersion: rescoring.regions?.version ?? 0,
    correctionSeq: rescoring.correctionSeq,
    signOffs: status.signOffs.map((s) => ({ ...s, signedAt: s.signedAt.toISOString() })),
    scores: scoreJson({
      ...rescoring.row,
      scores: rescoring.scores,
      markerScores: rescoring.markerScores,
      qc: rescoring.qc,
      review: { state: status.state, version: status.version, corrections: rescoring.corrections },
    }),
  };
}

