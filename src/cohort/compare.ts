import { AnalysisError } from '../errors/index.js';
import {
  CorrelationSpec,
  GroupSpec,
  OutcomeRow,
  PairedSpec,
  ProportionSpec,
  ScoreRow,
  type ComparisonRow,
  type GroupSummary,
} from './compare-schemas.js';
import { QUANTILE_METHOD, summarize } from './stats/describe.js';
import { fisherExact } from './stats/fisher-exact.js';
import { mannWhitney } from './stats/mann-whitney.js';
import { spearman } from './stats/spearman.js';
import { wilcoxonSignedRank } from './stats/wilcoxon-signed-rank.js';

/**
 * The study's cohort comparisons (SCIENCE.md "Cohort comparisons") as pure functions over score
 * rows: paired timepoints (Wilcoxon), responders vs non-responders (Mann–Whitney), a score vs
 * a later outcome (Spearman), expressed calls by responder group (Fisher). Each returns table
 * rows with n, medians and IQRs, effect size, statistic, p and the method used; a comparison
 * without enough data still gives its row, with p null and the reason in `method`.
 */

const RESPONDER_GROUPS = [
  { label: 'responders', responder: true },
  { label: 'non-responders', responder: false },
] as const;

function group(label: string, values: readonly number[]): GroupSummary {
  return { label, ...summarize(values) };
}

/** value per patient of one marker/score at one timepoint; two rows for one biopsy is an error */
function valuesAt(rows: readonly ScoreRow[], marker: string, score: string, timepoint: string): Map<string, ScoreRow> {
  const out = new Map<string, ScoreRow>();
  for (const r of rows) {
    if (r.marker !== marker || r.score !== score || r.timepoint !== timepoint) continue;
    if (out.has(r.patient)) {
      throw new AnalysisError(`two ${marker} ${score} values for patient ${r.patient} at ${timepoint}; one per biopsy expected`);
    }
    out.set(r.patient, r);
  }
  return out;
}

/** responder status per patient, from any of its rows; contradicting rows are an error */
function respondersOf(rows: readonly ScoreRow[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const r of rows) {
    if (r.responder === undefined) continue;
    const seen = out.get(r.patient);
    if (seen !== undefined && seen !== r.responder) {
      throw new AnalysisError(`patient ${r.patient} is marked both responder and non-responder`);
    }
    out.set(r.patient, r.responder);
  }
  return out;
}

// a comparison that cannot run still makes its row, so a table shows what was attempted
function attempt<T>(run: () => T): T | string {
  try {
    return run();
  } catch (err) {
    if (err instanceof AnalysisError) return `not computed: ${err.message}`;
    throw err;
  }
}

function pairedRow(spec: PairedSpec, label: string, pairs: { from: number; to: number }[]): ComparisonRow {
  const from = pairs.map((p) => p.from);
  const to = pairs.map((p) => p.to);
  const result = attempt(() => {
    if (pairs.length === 0) throw new AnalysisError(`no patient has both ${spec.from} and ${spec.to}`);
    return wilcoxonSignedRank(to, from);
  });
  const ok = typeof result !== 'string';
  return {
    test: 'wilcoxon-signed-rank',
    marker: spec.marker,
    score: spec.score,
    comparison: `${spec.from} → ${spec.to}${label ? `, ${label}` : ''}`,
    n: pairs.length,
    groups: [group(spec.from, from), group(spec.to, to)],
    effectSize: ok ? result.rankBiserial : null,
    effectSizeName: `matched-pairs rank-biserial r (> 0: ${spec.to} higher)`,
    statistic: ok ? result.statistic : null,
    statisticName: `V (rank sum of ${spec.to} − ${spec.from} > 0)`,
    p: ok ? result.p : null,
    q: null,
    method: ok ? result.method : result,
    quantileMethod: QUANTILE_METHOD,
  };
}

/**
 * Wilcoxon signed-rank test of `from` vs `to` on the patients with the score at both
 * timepoints; with `by: 'responder'` one row per responder group (patients of unknown status
 * are left out).
 */
export function pairedComparison(rows: readonly ScoreRow[], spec: PairedSpec): ComparisonRow[] {
  const s = PairedSpec.parse(spec);
  const valid = rows.map((r) => ScoreRow.parse(r));
  const a = valuesAt(valid, s.marker, s.score, s.from);
  const b = valuesAt(valid, s.marker, s.score, s.to);
  const pairs = [...a].flatMap(([patient, r]) => {
    const t = b.get(patient);
    return t ? [{ patient, from: r.value, to: t.value }] : [];
  });
  if (!s.by) return [pairedRow(s, '', pairs)];
  const status = respondersOf(valid);
  return RESPONDER_GROUPS.map((g) => pairedRow(s, g.label, pairs.filter((p) => status.get(p.patient) === g.responder)));
}

/** Mann–Whitney U of responders vs non-responders at one timepoint. */
export function groupComparison(rows: readonly ScoreRow[], spec: GroupSpec): ComparisonRow {
  const s = GroupSpec.parse(spec);
  const valid = rows.map((r) => ScoreRow.parse(r));
  const status = respondersOf(valid);
  const at = [...valuesAt(valid, s.marker, s.score, s.timepoint).values()];
  const [resp, non] = RESPONDER_GROUPS.map((g) => at.filter((r) => status.get(r.patient) === g.responder).map((r) => r.value));
  const result = attempt(() => mannWhitney(resp, non));
  const ok = typeof result !== 'string';
  return {
    test: 'mann-whitney',
    marker: s.marker,
    score: s.score,
    comparison: `responders vs non-responders at ${s.timepoint}`,
    n: resp.length + non.length,
    groups: [group('responders', resp), group('non-responders', non)],
    effectSize: ok ? result.rankBiserial : null,
    effectSizeName: "rank-biserial r = Cliff's δ (> 0: responders higher)",
    statistic: ok ? result.statistic : null,
    statisticName: 'W (U of responders)',
    p: ok ? result.p : null,
    q: null,
    method: ok ? result.method : result,
    quantileMethod: QUANTILE_METHOD,
  };
}

/** Spearman ρ of a score (usually at baseline) vs an outcome measure at `at`, or its change since `changeFrom`. */
export function correlation(rows: readonly ScoreRow[], outcomes: readonly OutcomeRow[], spec: CorrelationSpec): ComparisonRow {
  const s = CorrelationSpec.parse(spec);
  const valid = rows.map((r) => ScoreRow.parse(r));
  const outs = outcomes.map((o) => OutcomeRow.parse(o));
  const outcomeAt = (tp: string) => {
    const m = new Map<string, number>();
    for (const o of outs) {
      if (o.measure !== s.measure || o.timepoint !== tp) continue;
      if (m.has(o.patient)) throw new AnalysisError(`two ${s.measure} values for patient ${o.patient} at ${tp}`);
      m.set(o.patient, o.value);
    }
    return m;
  };
  const later = outcomeAt(s.at);
  const earlier = s.changeFrom ? outcomeAt(s.changeFrom) : null;
  const pairs = [...valuesAt(valid, s.marker, s.score, s.timepoint)].flatMap(([patient, r]) => {
    const y = later.get(patient);
    if (y === undefined) return [];
    if (!earlier) return [{ x: r.value, y }];
    const y0 = earlier.get(patient);
    return y0 === undefined ? [] : [{ x: r.value, y: y - y0 }];
  });
  const outcomeLabel = s.changeFrom ? `change in ${s.measure} ${s.changeFrom} → ${s.at}` : `${s.measure} at ${s.at}`;
  const xs = pairs.map((p) => p.x);
  const ys = pairs.map((p) => p.y);
  const result = attempt(() => spearman(xs, ys));
  const ok = typeof result !== 'string';
  return {
    test: 'spearman',
    marker: s.marker,
    score: s.score,
    comparison: `${s.score} at ${s.timepoint} vs ${outcomeLabel}`,
    n: pairs.length,
    groups: [group(`${s.score} at ${s.timepoint}`, xs), group(outcomeLabel, ys)],
    effectSize: ok ? result.rho : null,
    effectSizeName: 'Spearman ρ',
    statistic: ok ? result.statistic : null,
    statisticName: 'S = (n³ − n)(1 − ρ)/6',
    p: ok ? result.p : null,
    q: null,
    method: ok ? result.method : result,
    quantileMethod: QUANTILE_METHOD,
  };
}

/** Fisher's exact test of expressed calls at one timepoint, responders vs non-responders. */
export function proportionComparison(rows: readonly ScoreRow[], spec: ProportionSpec): ComparisonRow {
  const s = ProportionSpec.parse(spec);
  const valid = rows.map((r) => ScoreRow.parse(r));
  const status = respondersOf(valid);
  const at = [...valuesAt(valid, s.marker, s.score, s.timepoint).values()].filter((r) => r.expressed !== undefined);
  const [resp, non] = RESPONDER_GROUPS.map((g) => at.filter((r) => status.get(r.patient) === g.responder));
  const yes = (rs: ScoreRow[]) => rs.filter((r) => r.expressed).length;
  const table = { a: yes(resp), b: resp.length - yes(resp), c: yes(non), d: non.length - yes(non) };
  const result = attempt(() => fisherExact(table));
  const ok = typeof result !== 'string';
  return {
    test: 'fisher-exact',
    marker: s.marker,
    score: s.score,
    comparison: `expressed at ${s.timepoint}, responders vs non-responders`,
    n: resp.length + non.length,
    groups: [
      { ...group('responders', resp.map((r) => r.value)), events: table.a },
      { ...group('non-responders', non.map((r) => r.value)), events: table.c },
    ],
    effectSize: ok ? result.oddsRatio : null,
    effectSizeName: ok && result.oddsRatioCorrected ? 'odds ratio, Haldane–Anscombe (+½ per cell)' : 'odds ratio (responders expressing)',
    statistic: null,
    statisticName: 'none (exact conditional test)',
    p: ok ? result.p : null,
    q: null,
    method: ok ? result.method : result,
    quantileMethod: QUANTILE_METHOD,
  };
}
