import { fieldValue } from '../../domain/score-fields.js';
import type { ScoreRow as StoredScoreRow } from '../../store/store.js';
import { latestAnalyses } from '../research-rows.js';
import { manualScoreSpec } from './score-scale.js';
import type { SlideValue } from './validation.js';

/** A slide's scores as the pipeline gives them (an analysis outcome) or the store keeps them. */
export interface ScoredSlide {
  patient: string;
  timepoint: string;
  marker: string;
  scores: object;
  markerScores: object | null;
}

/** The tool's value of one catalogue score on each slide that has it (a yes/no call as 1/0). */
export function slideValuesOf(slides: readonly ScoredSlide[], score: string): SlideValue[] {
  const spec = manualScoreSpec(score);
  if (!spec) return [];
  return slides.flatMap((s) => {
    const v = fieldValue(spec.field, { scores: s.scores, markerScores: s.markerScores, marker: s.marker });
    const value = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    return typeof value === 'number' && Number.isFinite(value) ? [{ patient: s.patient, timepoint: s.timepoint, marker: s.marker, score, value }] : [];
  });
}

/**
 * The tool's values from the store: the latest finished analysis of each slide (patient,
 * timepoint, marker), as research-rows.ts picks it; `listScores({ signedOff: true })` rows give
 * the latest signed-off one with its scores as signed.
 */
export function storedSlideValues(stored: readonly StoredScoreRow[], score: string): SlideValue[] {
  const { latest } = latestAnalyses(stored);
  return slideValuesOf(
    [...latest.values()].map((r) => ({ patient: r.patient!, timepoint: r.timepoint!, marker: r.marker!, scores: r.scores, markerScores: r.markerScores })),
    score,
  );
}
