import type { CorrectionInput, Correction } from '../domain/corrections.js';
import type { ReviewAction } from '../domain/review-state.js';
import type { ReviewStatus, Store } from '../store/store.js';
import { rescoreAnalysis, type AnalysisRescoring } from './rescore-analysis.js';

/** An analysis's review as a viewer shows it: state, signed versions, and the live scores. */
export interface LiveReview {
  status: ReviewStatus;
  /** every score now: the latest regions and every correction applied */
  rescoring: AnalysisRescoring;
}

export async function liveReview(store: Store, analysisId: number): Promise<LiveReview> {
  const rescoring = await rescoreAnalysis(store, analysisId);
  return { status: await store.getReview(analysisId), rescoring };
}

/** Stores one correction and answers the scores re-computed with it, so a viewer updates after each edit. */
export async function addCorrectionRescored(store: Store, analysisId: number, input: CorrectionInput, author: string): Promise<LiveReview & { correction: Correction }> {
  const correction = await store.addCorrection(analysisId, input, author);
  return { correction, ...(await liveReview(store, analysisId)) };
}

/**
 * Starts, signs off or reopens the review. A sign-off freezes what it was made on: the latest
 * region version and correction set and the scores computed from them (the store refuses it if
 * either changed in between).
 */
export async function changeReviewRescored(store: Store, analysisId: number, action: ReviewAction, author: string): Promise<LiveReview> {
  if (action === 'sign_off') {
    const r = await rescoreAnalysis(store, analysisId);
    await store.changeReview(analysisId, {
      action,
      author,
      signed: { regionVersion: r.regions?.version ?? 0, correctionSeq: r.correctionSeq, corrections: r.corrections, scores: r.scores, markerScores: r.markerScores, qc: r.qc },
    });
  } else {
    await store.changeReview(analysisId, { action, author });
  }
  return liveReview(store, analysisId);
}
