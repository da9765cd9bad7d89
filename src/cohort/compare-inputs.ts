import type { Visit } from '../domain/outcome.js';
import { MEASURE_IDS } from '../domain/outcome.js';
import type { OutcomeRow, ScoreRow } from './compare-schemas.js';
import type { ImacsResult } from './imacs.js';

/** Visits as outcome rows, one per recorded measure (missing measures make no row). */
export function outcomeRows(visits: readonly Visit[]): OutcomeRow[] {
  return visits.flatMap((v) =>
    MEASURE_IDS.flatMap((m) => (v[m] === undefined ? [] : [{ patient: v.patient, timepoint: v.timepoint, measure: m, value: v[m]! }])),
  );
}

/**
 * Score rows with each patient's IMACS responder status; patients whose status is undecided
 * (null) or who have no result keep `responder` unset and stay out of responder comparisons.
 */
export function withResponders(rows: readonly ScoreRow[], results: readonly ImacsResult[]): ScoreRow[] {
  const status = new Map(results.map((r) => [r.patient, r.responder]));
  return rows.map((r) => {
    const s = status.get(r.patient);
    const { responder: _drop, ...rest } = r;
    return s === null || s === undefined ? rest : { ...rest, responder: s };
  });
}
