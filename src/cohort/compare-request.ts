import { z } from 'zod';
import { Timepoint } from '../domain/biopsy.js';
import { findMarker, type MarkerId } from '../domain/marker.js';
import { MeasureId } from '../domain/outcome.js';
import { correlation, groupComparison, pairedComparison, proportionComparison } from './compare.js';
import type { ComparisonRow, TableSpec } from './compare-schemas.js';
import { comparisonTable, withQValues } from './compare-table.js';
import type { ResearchRows } from './research-rows.js';
import { SCORES, scoreDefinition } from './score-catalogue.js';

/**
 * One comparison as the CLI (`compare`) and the API (GET /compare) ask for it, validated once
 * here so both refuse the same things with the same words: markers by any registry spelling
 * (stored as the canonical id), scores by catalogue name, timepoints and outcome measures from
 * the cohort model. Each kind is a strict object: a field that belongs to another kind (`at`
 * without a correlation) is refused by name rather than silently ignored.
 */
export const Marker = z.string().trim().min(1).transform((name, ctx): MarkerId => {
  const m = findMarker(name);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `unknown marker '${name}'` });
    return z.NEVER;
  }
  return m.id;
});

export const Score = z.string().trim().refine((s) => scoreDefinition(s) !== undefined, {
  message: `unknown score; expected one of ${SCORES.map((s) => s.name).join(', ')}`,
});

const List = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item).min(1));

const Paired = z.strictObject({
  kind: z.literal('paired'),
  marker: Marker,
  score: Score,
  from: Timepoint.default('baseline'),
  to: Timepoint.default('month-6'),
  by: z.literal('responder').optional(),
});
const Groups = z.strictObject({ kind: z.literal('groups'), marker: Marker, score: Score, timepoint: Timepoint.default('baseline') });
/** A score at one timepoint against an outcome (or its change): a correlation and its scatter plot. */
export const CORRELATION_FIELDS = {
  marker: Marker,
  score: Score,
  timepoint: Timepoint.default('baseline'),
  outcome: MeasureId,
  at: Timepoint,
  changeFrom: Timepoint.optional(),
};
const Correlation = z.strictObject({ kind: z.literal('correlation'), ...CORRELATION_FIELDS });
const Fisher = z.strictObject({ kind: z.literal('fisher'), marker: Marker, score: Score.default('expressed'), timepoint: Timepoint });
const Table = z.strictObject({
  kind: z.literal('table'),
  /** which comparison runs for every marker × score */
  of: z.enum(['paired', 'groups', 'correlation', 'fisher']).default('paired'),
  markers: List(Marker).optional(),
  scores: List(Score).optional(),
  from: Timepoint.default('baseline'),
  to: Timepoint.default('month-6'),
  by: z.literal('responder').optional(),
  timepoint: Timepoint.default('baseline'),
  outcome: MeasureId.optional(),
  at: Timepoint.optional(),
  changeFrom: Timepoint.optional(),
});

export const CompareRequest = z.discriminatedUnion('kind', [Paired, Groups, Correlation, Fisher, Table]).superRefine((r, ctx) => {
  if (r.kind === 'table' && r.of === 'correlation') {
    if (!r.outcome) ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'required for a correlation table' });
    if (!r.at) ctx.addIssue({ code: 'custom', path: ['at'], message: 'required for a correlation table' });
  }
});
export type CompareRequest = z.input<typeof CompareRequest>;
export type ParsedCompareRequest = z.output<typeof CompareRequest>;

function tableSpec(r: Extract<ParsedCompareRequest, { kind: 'table' }>): TableSpec {
  const pick = { markers: r.markers, scores: r.scores };
  switch (r.of) {
    case 'paired':
      return { kind: 'paired', ...pick, from: r.from, to: r.to, by: r.by };
    case 'groups':
      return { kind: 'group', ...pick, timepoint: r.timepoint };
    case 'correlation':
      return { kind: 'correlation', ...pick, timepoint: r.timepoint, measure: r.outcome!, at: r.at!, changeFrom: r.changeFrom };
    case 'fisher':
      return { kind: 'proportion', ...pick, timepoint: r.timepoint };
  }
}

/**
 * Runs a parsed request over the research rows. Every result carries its BH q: a table over its
 * own rows, a single comparison over the one or two rows it gives (so q = p for one row).
 */
export function runComparison(research: Pick<ResearchRows, 'scores' | 'outcomes'>, request: ParsedCompareRequest): ComparisonRow[] {
  const r = request;
  switch (r.kind) {
    case 'paired':
      return withQValues(pairedComparison(research.scores, { marker: r.marker, score: r.score, from: r.from, to: r.to, by: r.by }));
    case 'groups':
      return withQValues([groupComparison(research.scores, { marker: r.marker, score: r.score, timepoint: r.timepoint })]);
    case 'correlation':
      return withQValues([
        correlation(research.scores, research.outcomes, { marker: r.marker, score: r.score, timepoint: r.timepoint, measure: r.outcome, at: r.at, changeFrom: r.changeFrom }),
      ]);
    case 'fisher':
      return withQValues([proportionComparison(research.scores, { marker: r.marker, score: r.score, timepoint: r.timepoint })]);
    case 'table':
      // a marker scored at one timepoint only has no pairs: no comparison, not a failed one
      // (q is computed over rows with a p, so dropping these changes no q)
      return comparisonTable(research.scores, tableSpec(r), research.outcomes).filter((row) => row.n > 0);
  }
}
