import { z } from 'zod';
import { QcSummary } from '../domain/qc.js';
import { ReviewAction, reviewTransition, type ReviewPosition, type ReviewState } from '../domain/review-state.js';
import { SlideScores } from '../domain/scores.js';
import { StoreConflictError } from '../errors/index.js';
import { MarkerScores } from '../score/marker-scores.js';
import { appendAudit, lockReviewedAnalysis, reviewPosition } from './audit-rows.js';
import type { SqlExecutor } from './executor.js';
import { parseInput } from './parse-input.js';

/** What a sign-off freezes: the region version and correction set signed on, and the scores as signed. */
export const SignOffInput = z.object({
  /** 0: no regions were saved (the whole slide) */
  regionVersion: z.number().int().nonnegative(),
  /** the correction set: every correction with seq ≤ this (0: none) */
  correctionSeq: z.number().int().nonnegative(),
  /** corrections in effect in that set */
  corrections: z.number().int().nonnegative(),
  scores: SlideScores,
  markerScores: MarkerScores.nullable(),
  qc: QcSummary.nullable(),
});
export type SignOffInput = z.infer<typeof SignOffInput>;

export interface SignOff extends SignOffInput {
  analysisId: number;
  /** the review version signed */
  version: number;
  author: string;
  signedAt: Date;
}
export type SignOffSummary = Omit<SignOff, 'scores' | 'markerScores' | 'qc'>;

export const ReviewChange = z.discriminatedUnion('action', [
  z.object({ action: z.literal(ReviewAction.enum.start), author: z.string().min(1).max(200) }),
  z.object({ action: z.literal(ReviewAction.enum.reopen), author: z.string().min(1).max(200) }),
  z.object({ action: z.literal(ReviewAction.enum.sign_off), author: z.string().min(1).max(200), signed: SignOffInput }),
]);
export type ReviewChange = z.infer<typeof ReviewChange>;

/** An analysis's review: its state and version, and every version signed so far (oldest first). */
export interface ReviewStatus extends ReviewPosition {
  analysisId: number;
  signOffs: SignOffSummary[];
}

interface SignOffRow {
  analysis_id: number;
  version: number;
  author: string;
  region_version: number;
  correction_seq: number;
  corrections: number;
  signed_at: Date;
  scores?: Record<string, number | null>;
  marker_scores?: MarkerScores | null;
  qc?: QcSummary | null;
}

const summaryOf = (r: SignOffRow): SignOffSummary => ({
  analysisId: r.analysis_id,
  version: r.version,
  author: r.author,
  regionVersion: r.region_version,
  correctionSeq: r.correction_seq,
  corrections: r.corrections,
  signedAt: r.signed_at,
});

/** JSON has no NaN (a score of nothing, e.g. a fraction of zero fibres): it is stored as null and read back as NaN. */
export function signedScoresFromJson(stored: Record<string, number | null>): SlideScores {
  return Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v === null ? Number.NaN : v])) as SlideScores;
}

const SUMMARY_COLUMNS = 'analysis_id, version, author, region_version, correction_seq, corrections, signed_at';

export async function readReviewStatus(db: SqlExecutor, analysisId: number): Promise<ReviewStatus> {
  const position = await reviewPosition(db, analysisId);
  const { rows } = await db.query<SignOffRow>(`SELECT ${SUMMARY_COLUMNS} FROM review_signoffs WHERE analysis_id = $1 ORDER BY version`, [analysisId]);
  return { analysisId, ...position, signOffs: rows.map(summaryOf) };
}

/** A signed version with its scores as signed; undefined when that version was never signed. */
export async function readSignOff(db: SqlExecutor, analysisId: number, version: number): Promise<SignOff | undefined> {
  const { rows } = await db.query<SignOffRow>(
    `SELECT ${SUMMARY_COLUMNS}, scores, marker_scores, qc FROM review_signoffs WHERE analysis_id = $1 AND version = $2`,
    [analysisId, version],
  );
  if (rows.length === 0) return undefined;
  const r = rows[0];
  return { ...summaryOf(r), scores: signedScoresFromJson(r.scores ?? {}), markerScores: r.marker_scores ?? null, qc: r.qc ?? null };
}

/** What the audit log keeps of a sign-off besides the state: what was signed, and the headline scores. */
function signedSummary(s: SignOffInput): Record<string, unknown> {
  return { regionVersion: s.regionVersion, correctionSeq: s.correctionSeq, corrections: s.corrections, cells: s.scores.cells, hScore: s.scores.hScore, positiveCells: s.scores.positiveCells };
}

/**
 * Moves the review on (start, sign off, reopen) with its audit row, in one transaction holding the
 * analysis. An action the state does not allow throws StoreConflictError. A sign-off must be made
 * on the latest region version and correction set: one made while someone else edited is refused
 * (StoreConflictError) rather than signing scores nobody saw.
 */
export async function writeReviewChange(tx: SqlExecutor, analysisId: number, input: ReviewChange): Promise<ReviewStatus> {
  const what = `changeReview(analysis ${analysisId}, ${String((input as { action?: unknown })?.action)})`;
  const change = parseInput(ReviewChange, input, what);
  const status = await lockReviewedAnalysis(tx, analysisId, what);
  if (status !== 'done') throw new StoreConflictError(`${what}: the analysis is ${status}; only a finished analysis is reviewed`);
  const from = await reviewPosition(tx, analysisId);
  const to = reviewTransition(from, change.action);
  if (typeof to === 'string') throw new StoreConflictError(`${what}: ${to}`);
  let after: Record<string, unknown> = { ...to };
  if (change.action === 'sign_off') {
    const s = change.signed;
    const { rows } = await tx.query<{ regions: number; corrections: number }>(
      `SELECT (SELECT coalesce(max(version), 0) FROM review_regions WHERE analysis_id = $1)::int AS regions,
              (SELECT coalesce(max(seq), 0) FROM review_corrections WHERE analysis_id = $1)::int AS corrections`,
      [analysisId],
    );
    if (rows[0].regions !== s.regionVersion || rows[0].corrections !== s.correctionSeq) {
      throw new StoreConflictError(
        `${what}: the scores were computed on region version ${s.regionVersion} and corrections up to ${s.correctionSeq}, but the latest are ${rows[0].regions} and ${rows[0].corrections}; sign off again`,
      );
    }
    await tx.query(
      `INSERT INTO review_signoffs (analysis_id, version, author, region_version, correction_seq, corrections, scores, marker_scores, qc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [analysisId, to.version, change.author, s.regionVersion, s.correctionSeq, s.corrections, JSON.stringify(s.scores), s.markerScores === null ? null : JSON.stringify(s.markerScores), s.qc === null ? null : JSON.stringify(s.qc)],
    );
    after = { ...after, ...signedSummary(s) };
  }
  await appendAudit(tx, { analysisId, actor: change.author, action: `review.${change.action}`, before: from, after, position: to });
  return readReviewStatus(tx, analysisId);
}

export type { ReviewState };
