import type { OutcomeRow, ScoreRow } from '../cohort/compare-schemas.js';
import { correlation } from '../cohort/compare.js';
import { boxPlotSvg } from '../cohort/plots/box-plot.js';
import { scatterSvg } from '../cohort/plots/scatter.js';
import { slopeChartSvg } from '../cohort/plots/slope-chart.js';

const valueOf = (rows: readonly ScoreRow[], marker: string, score: string, timepoint: string) =>
  new Map(rows.filter((r) => r.marker === marker && r.score === score && r.timepoint === timepoint).map((r) => [r.patient, r]));

/**
 * The demo cohort's three main effects as SVG, by file name: CD163+ density per patient
 * baseline → month 6 (slope chart), MHC-I positive fibres at baseline by response (box plot),
 * baseline IL-1α % positive area vs FI-2 change (scatter with Spearman ρ).
 */
export function demoCohortPlots(rows: readonly ScoreRow[], outcomes: readonly OutcomeRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  const cdBase = valueOf(rows, 'CD163', 'density', 'baseline');
  const cdLater = valueOf(rows, 'CD163', 'density', 'month-6');
  const pairs = [...cdBase].flatMap(([patient, r]) => {
    const later = cdLater.get(patient);
    return later ? [{ patient, baseline: r.value, followUp: later.value, responder: r.responder ?? null }] : [];
  });
  if (pairs.length > 0) {
    out['cd163-density-slope.svg'] = slopeChartSvg({
      title: 'CD163+ macrophages, baseline → month 6',
      scoreLabel: 'CD163+ cells per mm²',
      followUpLabel: 'Month 6',
      patients: pairs,
    });
  }
  const mhc = [...valueOf(rows, 'MHC-I', 'mhc1PctPositive', 'baseline').values()].filter((r) => r.responder !== undefined);
  if (mhc.length > 0) {
    out['mhc1-baseline-box.svg'] = boxPlotSvg({
      title: 'MHC-I positive fibres at baseline',
      scoreLabel: '% MHC-I positive fibres',
      points: mhc.map((r) => ({ patient: r.patient, value: r.value, responder: r.responder! })),
    });
  }
  const spec = { marker: 'IL-1a', score: 'pctPositiveArea', timepoint: 'baseline', measure: 'fi2', at: 'month-6', changeFrom: 'baseline' } as const;
  const row = correlation(rows, outcomes, spec);
  if (row.effectSize !== null && row.p !== null) {
    const fi2 = (tp: string) => new Map(outcomes.filter((o) => o.measure === 'fi2' && o.timepoint === tp).map((o) => [o.patient, o.value]));
    const [f0, f6] = [fi2('baseline'), fi2('month-6')];
    const points = [...valueOf(rows, spec.marker, spec.score, spec.timepoint).values()].flatMap((r) =>
      f0.has(r.patient) && f6.has(r.patient) ? [{ patient: r.patient, x: r.value, y: f6.get(r.patient)! - f0.get(r.patient)!, responder: r.responder ?? null }] : [],
    );
    out['il1a-fi2-scatter.svg'] = scatterSvg({
      title: 'IL-1α at baseline vs FI-2 change',
      xLabel: 'IL-1α % positive area at baseline',
      yLabel: 'FI-2 change (repetitions)',
      points,
      rho: row.effectSize,
      p: row.p,
    });
  }
  return out;
}
