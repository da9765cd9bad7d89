import { z } from 'zod';

/** One score of one biopsy: what the store's per-biopsy scores look like once flattened. */
export const ScoreRow = z.object({
  patient: z.string().min(1),
  timepoint: z.string().min(1),
  marker: z.string().min(1),
  /** score id, e.g. 'hScore', 'positiveCellsPerMm2' */
  score: z.string().min(1),
  value: z.number().finite(),
  /** IMACS responder status of the patient (src/cohort/imacs.ts); absent when unknown */
  responder: z.boolean().optional(),
  /** binary expressed call for this biopsy and marker (e.g. IL-1Ra, SCIENCE.md "Scores") */
  expressed: z.boolean().optional(),
});
export type ScoreRow = z.infer<typeof ScoreRow>;

/** One clinical measure of one patient at one visit, e.g. { measure: 'mmt8', value: 62 }. */
export const OutcomeRow = z.object({
  patient: z.string().min(1),
  timepoint: z.string().min(1),
  measure: z.string().min(1),
  value: z.number().finite(),
});
export type OutcomeRow = z.infer<typeof OutcomeRow>;

const Selection = z.object({ marker: z.string().min(1), score: z.string().min(1) });

export const PairedSpec = Selection.extend({
  from: z.string().min(1),
  to: z.string().min(1),
  /** one row per responder group instead of one for everybody */
  by: z.literal('responder').optional(),
});
export type PairedSpec = z.infer<typeof PairedSpec>;

export const GroupSpec = Selection.extend({ timepoint: z.string().min(1) });
export type GroupSpec = z.infer<typeof GroupSpec>;

export const CorrelationSpec = Selection.extend({
  /** timepoint of the score, usually the baseline biopsy */
  timepoint: z.string().min(1).default('baseline'),
  measure: z.string().min(1),
  /** timepoint of the outcome */
  at: z.string().min(1),
  /** correlate with the change value(at) − value(changeFrom) instead of the value itself */
  changeFrom: z.string().min(1).optional(),
});
export type CorrelationSpec = z.input<typeof CorrelationSpec>;

export const ProportionSpec = Selection.extend({ timepoint: z.string().min(1) });
export type ProportionSpec = z.infer<typeof ProportionSpec>;

const TableSelection = z.object({
  /** default: every marker in the rows */
  markers: z.array(z.string().min(1)).optional(),
  /** default: every score in the rows */
  scores: z.array(z.string().min(1)).optional(),
});

export const TableSpec = z.discriminatedUnion('kind', [
  TableSelection.extend({ kind: z.literal('paired'), from: z.string().min(1), to: z.string().min(1), by: z.literal('responder').optional() }),
  TableSelection.extend({ kind: z.literal('group'), timepoint: z.string().min(1) }),
  TableSelection.extend({
    kind: z.literal('correlation'),
    timepoint: z.string().min(1).default('baseline'),
    measure: z.string().min(1),
    at: z.string().min(1),
    changeFrom: z.string().min(1).optional(),
  }),
  TableSelection.extend({ kind: z.literal('proportion'), timepoint: z.string().min(1) }),
]);
export type TableSpec = z.input<typeof TableSpec>;

export interface GroupSummary {
  label: string;
  n: number;
  median: number | null;
  q1: number | null;
  q3: number | null;
  /** Fisher only: how many in the group had the event (expressed) */
  events?: number;
}

/** One line of a comparison table. */
export interface ComparisonRow {
  test: 'wilcoxon-signed-rank' | 'mann-whitney' | 'spearman' | 'fisher-exact';
  marker: string;
  score: string;
  /** what is compared, e.g. 'baseline → month-6, responders' */
  comparison: string;
  /** pairs (paired, correlation) or patients in all groups (group, proportion) */
  n: number;
  groups: GroupSummary[];
  effectSize: number | null;
  effectSizeName: string;
  statistic: number | null;
  statisticName: string;
  p: number | null;
  /** Benjamini–Hochberg over the rows of one table; null until a table adds it, or when p is null */
  q: number | null;
  /** test variant used (exact / approximation …), or 'not computed: <why>' */
  method: string;
  quantileMethod: string;
}
