import type { ReviewState } from '../domain/review-state.js';
import type { MarkerScores } from '../score/marker-scores.js';
import type { QcSummary } from '../domain/qc.js';
import { markerScoresFromRow, qcFromRow, scoresFromRow } from './score-columns.js';
import { signedScoresFromJson } from './signoff-rows.js';
import type { ScoreRow } from './store.js';

/**
 * One listScores row as a ScoreRow. A signed-off analysis's row carries the scores as signed
 * (review_signoffs) instead of the algorithm's; every row carries its review state and version.
 */
export function scoreRowOf(r: Record<string, unknown>): ScoreRow {
  const state = (r.review_state ?? 'analysed') as ReviewState;
  const signed = state === 'signed_off' && r.signed_scores !== null && r.signed_scores !== undefined;
  return {
    analysisId: r.analysis_id as number,
    slideId: r.slide_id as number,
    sha256: r.sha256 as string,
    path: r.path as string,
    format: r.format as ScoreRow['format'],
    backend: r.backend as ScoreRow['backend'],
    vendor: r.vendor as string | null,
    patient: r.patient as string | null,
    timepoint: r.timepoint as string | null,
    marker: r.marker as string | null,
    slideMpp: r.slide_mpp as number,
    mppSource: r.mpp_source as string,
    analysisMpp: r.analysis_mpp as number,
    level: r.level as number,
    paramsHash: r.params_hash as string,
    params: r.params as ScoreRow['params'],
    stain: r.stain as ScoreRow['stain'],
    codeVersion: r.code_version as string,
    modelId: r.model_id as string | null,
    computedAt: r.computed_at as Date,
    scores: signed ? signedScoresFromJson(r.signed_scores as Record<string, number | null>) : scoresFromRow(r),
    markerScores: signed ? ((r.signed_marker_scores ?? null) as MarkerScores | null) : markerScoresFromRow(r),
    qc: signed ? ((r.signed_qc ?? null) as QcSummary | null) : qcFromRow(r),
    review: { state, version: (r.review_version ?? 0) as number, corrections: signed ? (r.signed_corrections as number) : 0 },
  };
}
