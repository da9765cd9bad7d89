import type { SlideOutcome } from '../pipeline/analyse-slide.js';

/** Machine-readable outcomes: scores and provenance, no per-cell detections. */
export function outcomesJson(outcomes: SlideOutcome[]) {
  return outcomes.map((o) =>
    o.ok
      ? { path: o.path, ok: true, analysisId: o.analysisId, scores: o.scores, markerScores: o.markerScores, fibres: o.fibres.length, provenance: o.provenance }
      : { path: o.path, ok: false, code: o.code, error: o.error },
  );
}
