import { randomLcg, randomUniform } from 'd3-random';
import { scaleBand, scaleLinear } from 'd3-scale';
import { z } from 'zod';
import { boxStats } from './box-stats.js';
import { parsePlotInput } from './parse-input.js';
import { PLOT, RESPONSE_COLOURS, categoryAxis, el, escapeXml, extentOf, leftAxis, responseLegend, svgDocument, type Response } from './svg.js';

export const BoxPlotInput = z.object({
  title: z.string(),
  /** value axis label with units */
  scoreLabel: z.string().min(1),
  points: z.array(z.object({ patient: z.string().min(1), value: z.number(), responder: z.boolean() })).min(1),
  /** jitter seed: the same input and seed give the same picture */
  seed: z.number().default(1),
});
export type BoxPlotInput = z.input<typeof BoxPlotInput>;

const GROUPS = ['responder', 'nonResponder'] as const satisfies readonly Response[];
const GROUP_LABELS: Record<(typeof GROUPS)[number], string> = { responder: 'Responders', nonResponder: 'Non-responders' };

/**
 * Strip + box plot of one score, responders vs non-responders: box from Q1 to Q3 with the median,
 * Tukey whiskers (1.5 IQR), every patient as a point jittered sideways by a seeded generator.
 */
export function boxPlotSvg(input: BoxPlotInput): string {
  const d = parsePlotInput(BoxPlotInput, input, 'box plot');
  const x = scaleBand<string>().domain(GROUPS).range([PLOT.left, PLOT.right]).paddingInner(0.5).paddingOuter(0.25);
  const y = scaleLinear()
    .domain(extentOf(d.points.map((p) => p.value), true))
    .range([PLOT.bottom, PLOT.top])
    .nice();
  const jitter = randomUniform.source(randomLcg(d.seed))(-0.2 * x.bandwidth(), 0.2 * x.bandwidth());
  const groups = GROUPS.map((g) => {
    const points = d.points.filter((p) => (g === 'responder') === p.responder);
    const colour = RESPONSE_COLOURS[g];
    const cx = x(g)! + x.bandwidth() / 2;
    const half = x.bandwidth() / 4;
    const s = boxStats(points.map((p) => p.value));
    const parts: string[] = [];
    if (s) {
      parts.push(
        el('line', { class: 'whisker', x1: cx, x2: cx, y1: y(s.lowerWhisker), y2: y(s.q1), stroke: '#000' }),
        el('line', { class: 'whisker', x1: cx, x2: cx, y1: y(s.q3), y2: y(s.upperWhisker), stroke: '#000' }),
        el('line', { class: 'whisker-cap', x1: cx - half / 2, x2: cx + half / 2, y1: y(s.lowerWhisker), y2: y(s.lowerWhisker), stroke: '#000' }),
        el('line', { class: 'whisker-cap', x1: cx - half / 2, x2: cx + half / 2, y1: y(s.upperWhisker), y2: y(s.upperWhisker), stroke: '#000' }),
        el('rect', { class: 'box', x: cx - half, y: y(s.q3), width: 2 * half, height: y(s.q1) - y(s.q3), fill: colour, 'fill-opacity': 0.2, stroke: colour }),
        el('line', { class: 'median', x1: cx - half, x2: cx + half, y1: y(s.median), y2: y(s.median), stroke: colour, 'stroke-width': 2.5 }),
      );
    }
    for (const p of points) {
      parts.push(el('circle', { class: 'point', 'data-patient': p.patient, cx: cx + jitter(), cy: y(p.value), r: 3.5, fill: colour }, el('title', {}, escapeXml(p.patient))));
    }
    return el('g', { class: `group ${g}`, 'data-n': points.length }, parts.join(''));
  });
  const labels = Object.fromEntries(GROUPS.map((g) => [g, `${GROUP_LABELS[g]} (n = ${d.points.filter((p) => (g === 'responder') === p.responder).length})`]));
  const body = [
    leftAxis(y, d.scoreLabel),
    categoryAxis(x, labels),
    groups.join('\n'),
    responseLegend(GROUPS),
  ].join('\n');
  return svgDocument(d.title, body);
}
