/**
 * What the synthetic demo cohort plants, and what it deliberately does not, each with the
 * comparison (src/cohort/compare.ts) that should find it. The generator (plan.ts) draws the
 * patients from the constants here; the demo analysis runs exactly these comparisons; the test
 * asserts every planted one is found (p < 0.05, in the stated direction) and no null one is.
 */
import type { Timepoint } from '../../domain/biopsy.js';

export const COHORT_MARKERS = ['CD163', 'MHC-I', 'IL-1a', 'IL-1Ra'] as const;
export type CohortMarker = (typeof COHORT_MARKERS)[number];
export const COHORT_TIMEPOINTS = ['baseline', 'month-6'] as const satisfies readonly Timepoint[];
export type CohortTimepoint = (typeof COHORT_TIMEPOINTS)[number];

export const DEMO_PATIENTS = 15;
export const DEMO_RESPONDERS = 7;

/** The comparison that tests an effect, in compare.ts terms. */
export type CohortComparison =
  | { kind: 'paired'; marker: CohortMarker; score: string; from: CohortTimepoint; to: CohortTimepoint; group: 'responders' | 'non-responders' | 'all' }
  | { kind: 'group'; marker: CohortMarker; score: string; timepoint: CohortTimepoint }
  | { kind: 'correlation'; marker: CohortMarker; score: string; timepoint: CohortTimepoint; measure: 'fi2'; at: CohortTimepoint; changeFrom: CohortTimepoint }
  | { kind: 'proportion'; marker: CohortMarker; score: 'expressed'; timepoint: CohortTimepoint };

export interface CohortEffect {
  id: string;
  description: string;
  comparison: CohortComparison;
  planted: boolean;
  /**
   * Sign the comparison's effect size must have when found: paired rank-biserial r (> 0: later
   * higher), Mann–Whitney r (> 0: responders higher), Spearman ρ, Fisher odds ratio − 1 (> 0:
   * responders express more). Null effects have none.
   */
  sign?: 1 | -1;
}

/**
 * Planted values (per patient, drawn uniformly within these ranges). CD163+ macrophages per mm²
 * of tissue, fraction of MHC-I positive fibres. Ranges of the planted groups do not overlap, so
 * the exact tests reach their smallest p: 7 of 7 pairs falling gives Wilcoxon p = 2/2⁷ = 0.0156,
 * 7 vs 8 fully separated gives Mann–Whitney p = 2/C(15,7) = 0.00031.
 */
export const PLANTED = {
  macrophagesBaseline: [300, 480],
  macrophagesMonth6Responder: [50, 120],
  /** non-responders: month-6 = baseline × this, so nothing systematic happens to them */
  macrophagesMonth6NonResponderFactor: [0.8, 1.2],
  mhcFractionBaselineResponder: [0.05, 0.2],
  mhcFractionBaselineNonResponder: [0.45, 0.8],
  mhcFractionMonth6Responder: [0.02, 0.08],
  mhcFractionMonth6NonResponderFactor: [0.9, 1.1],
  /** IL-1Ra expressed at month-6: every responder, this many of the 8 non-responders (the study's 7/7 vs 3/8) */
  il1raMonth6NonRespondersExpressing: 3,
  /** IL-1Ra expressed at baseline: this many in each group, i.e. no difference (3/7 vs 3/8) */
  il1raBaselineExpressing: 3,
  /**
   * FI-2 change baseline → month-6 (repetitions) = intercept − slope · z + noise, z the
   * standardised planted IL-1α % positive area at baseline: more IL-1α, less recovery.
   */
  fi2ChangeIntercept: 8,
  fi2ChangeSlope: 6,
  fi2ChangeNoiseSd: 1.5,
} as const;

export const PLANTED_EFFECTS: readonly CohortEffect[] = [
  {
    id: 'cd163-falls-in-responders',
    description: 'CD163+ macrophage density falls from baseline to month 6 in responders',
    comparison: { kind: 'paired', marker: 'CD163', score: 'density', from: 'baseline', to: 'month-6', group: 'responders' },
    planted: true,
    sign: -1,
  },
  {
    id: 'il1ra-expressed-in-responders',
    description: 'IL-1Ra expressed at month 6 in 7/7 responders vs 3/8 non-responders',
    comparison: { kind: 'proportion', marker: 'IL-1Ra', score: 'expressed', timepoint: 'month-6' },
    planted: true,
    sign: 1,
  },
  {
    id: 'mhc1-higher-in-non-responders',
    description: 'MHC-I positive fibres at baseline: more in non-responders',
    comparison: { kind: 'group', marker: 'MHC-I', score: 'mhc1PctPositive', timepoint: 'baseline' },
    planted: true,
    sign: -1,
  },
  {
    id: 'il1a-predicts-fi2',
    description: 'baseline IL-1α % positive area vs FI-2 change: more IL-1α, less recovery',
    comparison: { kind: 'correlation', marker: 'IL-1a', score: 'pctPositiveArea', timepoint: 'baseline', measure: 'fi2', at: 'month-6', changeFrom: 'baseline' },
    planted: true,
    sign: -1,
  },
];

export const NULL_EFFECTS: readonly CohortEffect[] = [
  {
    id: 'cd163-stable-in-non-responders',
    description: 'CD163+ density baseline vs month 6 in non-responders (each × 0.8–1.2 at random)',
    comparison: { kind: 'paired', marker: 'CD163', score: 'density', from: 'baseline', to: 'month-6', group: 'non-responders' },
    planted: false,
  },
  {
    id: 'cd163-baseline-groups-alike',
    description: 'CD163+ density at baseline, responders vs non-responders (one distribution)',
    comparison: { kind: 'group', marker: 'CD163', score: 'density', timepoint: 'baseline' },
    planted: false,
  },
  {
    id: 'il1a-unchanged',
    description: 'IL-1α % positive area baseline vs month 6 (expressed throughout, no change planted)',
    comparison: { kind: 'paired', marker: 'IL-1a', score: 'pctPositiveArea', from: 'baseline', to: 'month-6', group: 'all' },
    planted: false,
  },
  {
    id: 'il1ra-baseline-alike',
    description: 'IL-1Ra expressed at baseline in 3/7 responders vs 3/8 non-responders',
    comparison: { kind: 'proportion', marker: 'IL-1Ra', score: 'expressed', timepoint: 'baseline' },
    planted: false,
  },
];

export const COHORT_EFFECTS: readonly CohortEffect[] = [...PLANTED_EFFECTS, ...NULL_EFFECTS];
