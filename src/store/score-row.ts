import type { ReviewState } from '../domain/review-state.js';
import type { MarkerScores } from '../score/marker-scores.js';
import type { QcSummary } from '../domain/qc.js';
import { markerScoresFromRow, qcFromRow, scoresFromRow } from './score-columns.js';
import { signedScoresFromJson } from './signoff-rows.js';
import type { ScoreRow } from './store.js';

/**
 * A listScores row's scores and review. A signed-off analysis's row carries the scores as signed
 * (review_signoffs) instead of the algorithm's; every row carries its review state and version.
 */
export function reviewedScores(r: Record<string, unknown>): Pick<ScoreRow, 'scores' | 'markerScores' | 'qc' | 'review'> {
  const state = (r.review_state ?? 'analysed') as ReviewState;
  const review = { state, version: (r.review_version ?? 0) as number, corrections: 0 };
  if (state !== 'signed_off' || r.signed_scores === null || r.signed_scores === undefined) {
    return { scores: scoresFromRow(r), markerScores: markerScoresFromRow(r), qc: qcFromRow(r), review };
  }
  return {
    scores: signedScoresFromJson(r.signed_scores as Record<string, number | null>),
    markerScores: (r.signed_marker_scores ?? null) as MarkerScores | null,
    qc: (r.signed_qc ?? null) as QcSummary | null,
    review: { ...review, corrections: r.signed_corrections as number },
  };
}
