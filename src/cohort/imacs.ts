import { MetadataError } from '../errors/index.js';
import type { Timepoint } from '../domain/biopsy.js';
import { CORE_MEASURES, type MeasureId, type Visit } from '../domain/outcome.js';

/**
 * IMACS definition of improvement (SCIENCE.md "Outcomes (IMACS)"; Rider et al., Arthritis Rheum
 * 2004): a patient improves when ≥ 3 of the 6 core set measures improve by ≥ 20 %, no more than
 * 2 worsen by ≥ 25 %, and MMT-8 is not among the worsening ones.
 *
 * Change is relative to the baseline visit and signed so that positive = better: for MMT-8
 * (higher is better) `(followUp − baseline) / baseline`, for the others `(baseline − followUp) /
 * baseline`.
 *
 * Zero baseline (no relative change exists): no change stays 'stable'; any change counts as a
 * change of at least the threshold in its direction, i.e. a lower-is-better measure rising from
 * 0 (CK, HAQ, a global VAS of 0) is 'worsened', MMT-8 rising from 0 is 'improved'. The percentage
 * is then reported as null. A lower-is-better measure at 0 cannot improve: it is already at best.
 *
 * Missing measures (absent at either visit) count as neither improved nor worsened. The
 * decision is `true`/`false` only when it holds whatever the missing values would have been;
 * otherwise it is `null` (undecided), e.g. 3 improved but MMT-8 missing (it might have worsened).
 */
export const IMPROVEMENT_THRESHOLD = 0.2;
export const WORSENING_THRESHOLD = 0.25;
export const MIN_IMPROVED = 3;
export const MAX_WORSENED = 2;
// shields the 20 %/25 % boundaries from floating-point noise, e.g. (5 − 4) / 5
const EPS = 1e-9;

export type MeasureStatus = 'improved' | 'worsened' | 'stable' | 'missing';

export interface MeasureChange {
  measure: MeasureId;
  baseline: number | null;
  followUp: number | null;
  /** % improvement (positive = better, negative = worse); null when missing or the baseline is 0 and the value changed */
  improvementPct: number | null;
  status: MeasureStatus;
}

export interface ImacsResult {
  patient: string;
  from: Timepoint;
  to: Timepoint;
  /** true: responder; false: non-responder; null: undecidable because of missing measures */
  responder: boolean | null;
  improved: number;
  worsened: number;
  missing: number;
  reason: string;
  measures: MeasureChange[];
}

function changeOf(measure: MeasureId, higherBetter: boolean, base: number | undefined, follow: number | undefined): MeasureChange {
  if (base === undefined || follow === undefined) {
    return { measure, baseline: base ?? null, followUp: follow ?? null, improvementPct: null, status: 'missing' };
  }
  const better = higherBetter ? follow - base : base - follow;
  if (base === 0) {
    const status: MeasureStatus = better > 0 ? 'improved' : better < 0 ? 'worsened' : 'stable';
    return { measure, baseline: base, followUp: follow, improvementPct: better === 0 ? 0 : null, status };
  }
  const rel = better / Math.abs(base);
  const status: MeasureStatus =
    rel >= IMPROVEMENT_THRESHOLD - EPS ? 'improved' : rel <= -WORSENING_THRESHOLD + EPS ? 'worsened' : 'stable';
  return { measure, baseline: base, followUp: follow, improvementPct: rel * 100, status };
}

/** IMACS improvement of one patient from `baseline` to `followUp` (two visits of the same patient). */
export function imacsImprovement(baseline: Visit, followUp: Visit): ImacsResult {
  if (baseline.patient !== followUp.patient) {
    throw new MetadataError(`IMACS improvement compares visits of one patient, got ${baseline.patient} and ${followUp.patient}`);
  }
  const measures = CORE_MEASURES.map((m) =>
    changeOf(m.id, m.better === 'higher-better', baseline[m.id], followUp[m.id]),
  );
  const count = (s: MeasureStatus) => measures.filter((c) => c.status === s).length;
  const improved = count('improved');
  const worsened = count('worsened');
  const missing = count('missing');
  const mmt = measures.find((c) => c.measure === 'mmt8')!;

  // best case: every missing measure improved; worst case: every missing one worsened
  const failsForSure =
    improved + missing < MIN_IMPROVED || worsened > MAX_WORSENED || mmt.status === 'worsened';
  const holdsForSure =
    improved >= MIN_IMPROVED && worsened + missing <= MAX_WORSENED && mmt.status !== 'missing';

  let responder: boolean | null;
  let reason: string;
  if (failsForSure) {
    responder = false;
    reason =
      mmt.status === 'worsened'
        ? 'MMT-8 worsened by ≥ 25 %'
        : worsened > MAX_WORSENED
          ? `${worsened} measures worsened by ≥ 25 % (at most ${MAX_WORSENED} allowed)`
          : `${improved} measures improved by ≥ 20 % (${MIN_IMPROVED} needed${missing ? `, ${missing} missing` : ''})`;
  } else if (holdsForSure) {
    responder = true;
    reason = `${improved} measures improved by ≥ 20 %, ${worsened} worsened by ≥ 25 %, MMT-8 not worsened`;
  } else {
    responder = null;
    reason = `undecided: ${missing} core measure${missing === 1 ? '' : 's'} missing (${measures
      .filter((c) => c.status === 'missing')
      .map((c) => c.measure)
      .join(', ')}) could change the outcome`;
  }
  return {
    patient: baseline.patient,
    from: baseline.timepoint,
    to: followUp.timepoint,
    responder,
    improved,
    worsened,
    missing,
    reason,
    measures,
  };
}

/**
 * IMACS improvement for every patient with visits at both `from` and `to`; patients lacking
 * either visit are left out (nothing to compare).
 */
export function imacsResponders(visits: readonly Visit[], from: Timepoint = 'baseline', to: Timepoint = 'month-6'): ImacsResult[] {
  const at = (tp: Timepoint) => new Map(visits.filter((v) => v.timepoint === tp).map((v) => [v.patient, v]));
  const base = at(from);
  const follow = at(to);
  const out: ImacsResult[] = [];
  for (const [patient, b] of base) {
    const f = follow.get(patient);
    if (f) out.push(imacsImprovement(b, f));
  }
  return out;
}
