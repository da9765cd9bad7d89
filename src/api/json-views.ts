import { biopsyOf } from '../domain/biopsy.js';
import type { ScoreRow } from '../store/store.js';
import type { TokenRecord } from '../store/token-store.js';
import type { BatchSummary, BatchView } from './batch-service.js';
import { scoresForMarker } from '../domain/score-fields.js';
import type { BatchJson, ScoreJson } from './schemas.js';

/** Store records as the API shows them: dates as ISO strings, units in the field names. */

export function batchJson(b: BatchView): BatchJson {
  return {
    id: b.id,
    status: b.status,
    createdBy: b.createdBy,
    createdAt: b.createdAt.toISOString(),
    slides: b.slides.map((s) => ({
      id: s.id,
      path: s.path,
      status: s.status,
      error: s.error,
      code: s.code,
      analysisId: s.analysisId,
      tilesDone: s.tilesDone,
      tilesTotal: s.tilesTotal,
    })),
  };
}

export function batchSummaryJson(b: BatchSummary) {
  return { ...b, createdAt: b.createdAt.toISOString() };
}

export function scoreJson(r: ScoreRow): ScoreJson {
  return {
    analysisId: r.analysisId,
    slideId: r.slideId,
    path: r.path,
    sha256: r.sha256,
    format: r.format,
    patient: r.patient,
    timepoint: r.timepoint,
    marker: r.marker,
    biopsy: biopsyOf(r.patient, r.timepoint),
    slideMppUm: r.slideMpp,
    mppSource: r.mppSource,
    analysisMppUm: r.analysisMpp,
    level: r.level,
    paramsHash: r.paramsHash,
    params: r.params as unknown as Record<string, unknown>,
    stain: r.stain as unknown as Record<string, unknown>,
    codeVersion: r.codeVersion,
    modelId: r.modelId,
    computedAt: r.computedAt.toISOString(),
    // only the scores that mean something for the slide's marker (no cell H-score on MHC-I)
    scores: scoresForMarker(r.scores, r.marker) as ScoreJson['scores'],
    markerScores: r.markerScores,
    qc: r.qc ?? null,
    reviewState: r.review.state,
    reviewVersion: r.review.version,
    corrections: r.review.corrections,
  };
}

export function tokenJson(t: TokenRecord) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    revokedAt: t.revokedAt ? t.revokedAt.toISOString() : null,
  };
}
