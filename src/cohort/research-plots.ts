import { z } from 'zod';
import { Timepoint } from '../domain/biopsy.js';
import { NotFoundError } from '../errors/index.js';
import { MeasureId, measureSpec } from '../domain/outcome.js';
import { correlation } from './compare.js';
import type { ScoreRow } from './compare-schemas.js';
import { CORRELATION_FIELDS, Marker, Score } from './compare-request.js';
import { boxPlotSvg } from './plots/box-plot.js';
import { scatterSvg } from './plots/scatter.js';
import { slopeChartSvg } from './plots/slope-chart.js';
import type { ResearchRows } from './research-rows.js';
import { scoreDefinition } from './score-catalogue.js';

/** Which plot of which score: the same vocabulary as a comparison request. */
export const PlotRequest = z.discriminatedUnion('plot', [
  z.object({ plot: z.literal('slope'), marker: Marker, score: Score, from: Timepoint.default('baseline'), to: Timepoint.default('month-6') }),
  z.object({ plot: z.literal('box'), marker: Marker, score: Score, timepoint: Timepoint.default('baseline') }),
  z.object({ plot: z.literal('scatter'), ...CORRELATION_FIELDS }),
]);
export type PlotRequest = z.input<typeof PlotRequest>;

const at = (rows: readonly ScoreRow[], marker: string, score: string, timepoint: string) =>
  new Map(rows.filter((r) => r.marker === marker && r.score === score && r.timepoint === timepoint).map((r) => [r.patient, r]));

const scoreLabel = (marker: string, score: string) => `${marker} ${score} (${scoreDefinition(score)?.unit ?? ''})`;

/**
 * One cohort plot (src/cohort/plots) from the research rows: the paired slope chart per patient,
 * the responder box plot at one timepoint, or score vs outcome with the Spearman ρ and p of the
 * same correlation GET /compare reports. NotFoundError when the store has nothing to draw.
 */
export function researchPlotSvg(research: Pick<ResearchRows, 'scores' | 'outcomes'>, input: PlotRequest): string {
  const r = PlotRequest.parse(input);
  const label = scoreLabel(r.marker, r.score);
  switch (r.plot) {
    case 'slope': {
      const later = at(research.scores, r.marker, r.score, r.to);
      const patients = [...at(research.scores, r.marker, r.score, r.from)].flatMap(([patient, b]) => {
        const f = later.get(patient);
        return f ? [{ patient, baseline: b.value, followUp: f.value, responder: b.responder ?? null }] : [];
      });
      if (patients.length === 0) throw new NotFoundError(`no patient has ${r.marker} ${r.score} at both ${r.from} and ${r.to}`);
      return slopeChartSvg({ title: `${r.marker} ${r.score}, ${r.from} → ${r.to}`, scoreLabel: label, baselineLabel: r.from, followUpLabel: r.to, patients });
    }
    case 'box': {
      const points = [...at(research.scores, r.marker, r.score, r.timepoint).values()]
        .filter((s) => s.responder !== undefined)
        .map((s) => ({ patient: s.patient, value: s.value, responder: s.responder! }));
      if (points.length === 0) throw new NotFoundError(`no patient of known IMACS response has ${r.marker} ${r.score} at ${r.timepoint}`);
      return boxPlotSvg({ title: `${r.marker} ${r.score} at ${r.timepoint}, responders vs non-responders`, scoreLabel: label, points });
    }
    case 'scatter': {
      const row = correlation(research.scores, research.outcomes, { marker: r.marker, score: r.score, timepoint: r.timepoint, measure: r.outcome, at: r.at, changeFrom: r.changeFrom });
      if (row.effectSize === null || row.p === null) throw new NotFoundError(`no Spearman ρ for ${r.marker} ${r.score} vs ${r.outcome}: ${row.method}`);
      const measure = (tp: string) => new Map(research.outcomes.filter((o) => o.measure === r.outcome && o.timepoint === tp).map((o) => [o.patient, o.value]));
      const later = measure(r.at);
      const earlier = r.changeFrom ? measure(r.changeFrom) : null;
      const points = [...at(research.scores, r.marker, r.score, r.timepoint).values()].flatMap((s) => {
        const y = later.get(s.patient);
        const y0 = earlier ? earlier.get(s.patient) : 0;
        return y === undefined || y0 === undefined ? [] : [{ patient: s.patient, x: s.value, y: y - y0, responder: s.responder ?? null }];
      });
      const spec = measureSpec(r.outcome);
      const yLabel = r.changeFrom ? `${spec.name}, change ${r.changeFrom} → ${r.at} (${spec.unit})` : `${spec.name} at ${r.at} (${spec.unit})`;
      return scatterSvg({ title: `${r.marker} ${r.score} at ${r.timepoint} vs ${r.outcome}`, xLabel: label, yLabel, points, rho: row.effectSize, p: row.p });
    }
  }
}
