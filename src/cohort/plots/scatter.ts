import { scaleLinear } from 'd3-scale';
import { z } from 'zod';
import { parsePlotInput } from './parse-input.js';
import { PLOT, RESPONSE_COLOURS, bottomAxis, el, escapeXml, extentOf, leftAxis, responseLegend, responseOf, svgDocument } from './svg.js';

export const ScatterInput = z.object({
  /** e.g. "Baseline CD163+ density vs MMT-8 at 6 months"; ρ and p are appended */
  title: z.string(),
  /** axis labels with units */
  xLabel: z.string().min(1),
  yLabel: z.string().min(1),
  points: z.array(z.object({ patient: z.string().min(1), x: z.number(), y: z.number(), responder: z.boolean().nullable() })).min(1),
  /** Spearman's ρ and its p value, computed by the caller (src/cohort/stats) */
  rho: z.number().min(-1).max(1),
  p: z.number().min(0).max(1),
});
export type ScatterInput = z.input<typeof ScatterInput>;

/** p to two significant digits, "p < 0.001" below that (the usual reporting floor). */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

/** ρ to two decimals with a true minus sign. */
export function formatRho(rho: number): string {
  const s = rho.toFixed(2);
  return `ρ = ${s.startsWith('-') ? `−${s.slice(1)}` : s}`;
}

/** Score (x) against outcome (y), one point per patient coloured by response, Spearman ρ and p in the title. */
export function scatterSvg(input: ScatterInput): string {
  const d = parsePlotInput(ScatterInput, input, 'scatter plot');
  const x = scaleLinear().domain(extentOf(d.points.map((p) => p.x), false)).range([PLOT.left, PLOT.right]).nice();
  const y = scaleLinear().domain(extentOf(d.points.map((p) => p.y), false)).range([PLOT.bottom, PLOT.top]).nice();
  const points = d.points.map((p) =>
    el('circle', { class: 'point', 'data-patient': p.patient, cx: x(p.x), cy: y(p.y), r: 4, fill: RESPONSE_COLOURS[responseOf(p.responder)] }, el('title', {}, escapeXml(p.patient))),
  );
  const title = `${d.title} (Spearman ${formatRho(d.rho)}, ${formatP(d.p)}, n = ${d.points.length})`;
  const body = [
    leftAxis(y, d.yLabel),
    bottomAxis(x, d.xLabel),
    el('g', { class: 'points' }, points.join('')),
    responseLegend(d.points.map((p) => responseOf(p.responder))),
  ].join('\n');
  return svgDocument(title, body);
}
