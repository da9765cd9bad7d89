import { biopsySlideOf, Timepoint, TIMEPOINTS } from '../domain/biopsy.js';
import { MarkerId } from '../domain/marker.js';
import type { ScoreRow as StoredScoreRow, Store, StoredCohort } from '../store/store.js';
import { outcomeRows, withResponders } from './compare-inputs.js';
import type { OutcomeRow, ScoreRow } from './compare-schemas.js';
import { imacsResponders, type ImacsResult } from './imacs.js';
import { expressedCall, scoreValues } from './score-catalogue.js';

export interface ResearchRowsOptions {
  /** IMACS improvement from this visit … (default baseline) */
  from?: Timepoint;
  /** … to this one (default month-6) */
  to?: Timepoint;
  /** only analyses whose review is signed off, with their scores as signed (issue 12) */
  signedOff?: boolean;
  /**
   * only analyses whose nucleus detector was this model id (e.g. 'classical-watershed-1',
   * 'nuclei-unet@54e60ad068d3'; issue 15): the latest such analysis per biopsy and marker counts
   */
  modelId?: string;
}

/** A stored analysis left out of the research rows, and why. */
export interface SkippedSlide {
  path: string;
  analysisId: number;
  reason: string;
}

export interface ResearchRows {
  /** one row per (patient, timepoint, marker, catalogued score), with responder and expressed where known */
  scores: ScoreRow[];
  /** one row per recorded visit measure */
  outcomes: OutcomeRow[];
  /** IMACS improvement of every patient with visits at both timepoints */
  imacs: ImacsResult[];
  /** the stored analyses each score row came from, keyed by biopsySlideOf(patient, timepoint, marker) */
  analyses: Map<string, StoredScoreRow>;
  skipped: SkippedSlide[];
  cohort: StoredCohort;
}

const newer = (a: StoredScoreRow, b: StoredScoreRow) =>
  a.computedAt.getTime() !== b.computedAt.getTime() ? a.computedAt > b.computedAt : a.analysisId > b.analysisId;

/**
 * The latest finished analysis per biopsy and marker. A slide names its biopsy through its
 * metadata (patient, timepoint, marker), stored under canonical names (src/domain/names.ts), so
 * a marker or timepoint that is not the registry's or the study's is one the study does not
 * know. When a biopsy's marker was analysed more than once (re-run with other parameters, or a
 * re-scanned section) only the most recent result counts, so each patient contributes one value
 * per comparison.
 */
export function latestAnalyses(stored: readonly StoredScoreRow[]): { latest: Map<string, StoredScoreRow>; skipped: SkippedSlide[] } {
  const latest = new Map<string, StoredScoreRow>();
  const skipped: SkippedSlide[] = [];
  for (const r of stored) {
    const missing = (['patient', 'timepoint', 'marker'] as const).filter((f) => r[f] === null);
    if (missing.length > 0) {
      skipped.push({ path: r.path, analysisId: r.analysisId, reason: `no ${missing.join(', ')} in the slide's metadata` });
      continue;
    }
    if (!MarkerId.safeParse(r.marker).success) {
      skipped.push({ path: r.path, analysisId: r.analysisId, reason: `unknown marker '${r.marker}'` });
      continue;
    }
    if (!Timepoint.safeParse(r.timepoint).success) {
      skipped.push({ path: r.path, analysisId: r.analysisId, reason: `unknown timepoint '${r.timepoint}' (expected ${TIMEPOINTS.join(', ')})` });
      continue;
    }
    const key = biopsySlideOf(r.patient!, r.timepoint!, r.marker!);
    const seen = latest.get(key);
    if (!seen || newer(r, seen)) latest.set(key, r);
  }
  return { latest, skipped };
}

/**
 * Score rows for the comparisons (src/cohort/compare.ts) from what the store holds: the latest
 * analysis of each biopsy and marker × every score the catalogue defines for it, `expressed`
 * from the IL-1 call, `responder` from IMACS on the stored visits (baseline → month-6 unless
 * told otherwise; undecided patients keep it unset). Outcome rows come from the same visits.
 * With `signedOff` only signed-off analyses count (the latest signed one per biopsy and marker);
 * with `modelId` only those whose nuclei that detector found.
 */
export async function researchRows(store: Store, options: ResearchRowsOptions = {}): Promise<ResearchRows> {
  const from = Timepoint.parse(options.from ?? 'baseline');
  const to = Timepoint.parse(options.to ?? 'month-6');
  const [all, cohort] = [await store.listScores({ signedOff: options.signedOff }), await store.getCohort()];
  const stored = options.modelId === undefined ? all : all.filter((r) => r.modelId === options.modelId);
  const { latest, skipped } = latestAnalyses(stored);
  const rows: ScoreRow[] = [];
  for (const r of latest.values()) {
    const expressed = expressedCall(r.markerScores);
    for (const [score, value] of Object.entries(scoreValues(r.scores, r.markerScores))) {
      const row: ScoreRow = { patient: r.patient!, timepoint: r.timepoint!, marker: r.marker!, score, value };
      if (expressed !== undefined) row.expressed = expressed;
      rows.push(row);
    }
  }
  const imacs = imacsResponders(cohort.visits, from, to);
  return { scores: withResponders(rows, imacs), outcomes: outcomeRows(cohort.visits), imacs, analyses: latest, skipped, cohort };
}
