import { scaleLinear, scalePoint } from 'd3-scale';
import { z } from 'zod';
import { parsePlotInput } from './parse-input.js';
import { PLOT, RESPONSE_COLOURS, categoryAxis, el, escapeXml, extentOf, leftAxis, responseLegend, responseOf, svgDocument } from './svg.js';

export const SlopeChartInput = z.object({
  title: z.string(),
  /** value axis label with units, e.g. "CD163+ cells per mm²" */
  scoreLabel: z.string().min(1),
  baselineLabel: z.string().default('Baseline'),
  followUpLabel: z.string().default('6 months'),
  patients: z
    .array(z.object({ patient: z.string().min(1), baseline: z.number(), followUp: z.number(), responder: z.boolean().nullable() }))
    .min(1),
});
export type SlopeChartInput = z.input<typeof SlopeChartInput>;

/**
 * Paired slope chart: one line per patient from baseline to follow-up, coloured by IMACS response.
 * The value axis starts at 0 (scores here are counts, densities, percentages or H-scores).
 */
export function slopeChartSvg(input: SlopeChartInput): string {
  const d = parsePlotInput(SlopeChartInput, input, 'slope chart');
  const x = scalePoint<string>().domain(['baseline', 'followUp']).range([PLOT.left, PLOT.right]).padding(0.5);
  const y = scaleLinear()
    .domain(extentOf(d.patients.flatMap((p) => [p.baseline, p.followUp]), true))
    .range([PLOT.bottom, PLOT.top])
    .nice();
  const x0 = x('baseline')!;
  const x1 = x('followUp')!;
  const lines = d.patients.map((p) => {
    const colour = RESPONSE_COLOURS[responseOf(p.responder)];
    return el('g', { class: 'patient', 'data-patient': p.patient }, [
      el('title', {}, escapeXml(p.patient)),
      el('line', { class: 'slope', x1: x0, y1: y(p.baseline), x2: x1, y2: y(p.followUp), stroke: colour, 'stroke-width': 2 }),
      el('circle', { class: 'point baseline', cx: x0, cy: y(p.baseline), r: 3.5, fill: colour }),
      el('circle', { class: 'point follow-up', cx: x1, cy: y(p.followUp), r: 3.5, fill: colour }),
    ].join(''));
  });
  const body = [
    leftAxis(y, d.scoreLabel),
    categoryAxis(x, { baseline: d.baselineLabel, followUp: d.followUpLabel }),
    el('g', { class: 'patients' }, lines.join('')),
    responseLegend(d.patients.map((p) => responseOf(p.responder))),
  ].join('\n');
  return svgDocument(d.title, body);
}
