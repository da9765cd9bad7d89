import { scaleLinear } from 'd3-scale';
import { z } from 'zod';
import { parsePlotInput } from './parse-input.js';
import { PLOT, bottomAxis, el, escapeXml, extentOf, leftAxis, legend, svgDocument, text } from './svg.js';

export const IdentityPlotInput = z.object({
  title: z.string(),
  /** the comparison method (a rater), with units */
  xLabel: z.string().min(1),
  /** the method under test (the tool or another rater), with units */
  yLabel: z.string().min(1),
  points: z.array(z.object({ id: z.string().min(1), x: z.number(), y: z.number() })).min(1),
  /** the Passing–Bablok line, when it could be fitted */
  fit: z.object({ slope: z.number(), intercept: z.number() }).nullable(),
});
export type IdentityPlotInput = z.input<typeof IdentityPlotInput>;

const COLOURS = { point: '#0072B2', identity: '#7F7F7F', fit: '#D55E00' } as const;

/**
 * Method against method on the same scale on both axes, with the line of identity (y = x) and
 * the Passing–Bablok line: agreement is the points on the diagonal.
 */
export function identitySvg(input: IdentityPlotInput): string {
  const d = parsePlotInput(IdentityPlotInput, input, 'identity plot');
  const domain = extentOf([...d.points.map((p) => p.x), ...d.points.map((p) => p.y)], true);
  const x = scaleLinear().domain(domain).range([PLOT.left, PLOT.right]).nice();
  const [d0, d1] = x.domain();
  const y = scaleLinear().domain([d0, d1]).range([PLOT.bottom, PLOT.top]);
  const line = (cls: string, colour: string, f: (v: number) => number, dash?: string) =>
    el('line', { class: cls, x1: x(d0), y1: y(f(d0)), x2: x(d1), y2: y(f(d1)), stroke: colour, 'stroke-width': 1.5, ...(dash ? { 'stroke-dasharray': dash } : {}) });
  const fit = d.fit;
  // ids are page-wide once plots are inlined into one report: one per plot
  const clip = `clip-${[...d.title].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7).toString(36)}`;
  const legendBottom = PLOT.top + (fit ? 2 : 1) * 22 + 14;
  const body = [
    el('clipPath', { id: clip }, el('rect', { x: PLOT.left, y: PLOT.top, width: PLOT.right - PLOT.left, height: PLOT.bottom - PLOT.top })),
    leftAxis(y, d.yLabel),
    bottomAxis(x, d.xLabel),
    el('g', { 'clip-path': `url(#${clip})` }, [line('identity', COLOURS.identity, (v) => v, '6 4'), fit ? line('fit', COLOURS.fit, (v) => fit.intercept + fit.slope * v) : ''].join('')),
    el('g', { class: 'points' }, d.points.map((p) => el('circle', { class: 'point', 'data-id': p.id, cx: x(p.x), cy: y(p.y), r: 4, fill: COLOURS.point, 'fill-opacity': 0.8 }, el('title', {}, escapeXml(p.id)))).join('')),
    legend([{ label: 'y = x', colour: COLOURS.identity }, ...(fit ? [{ label: 'Passing–Bablok', colour: COLOURS.fit }] : [])]),
    fit ? text({ class: 'fit-equation', x: PLOT.right + 12, y: legendBottom }, `y = ${Number(fit.intercept.toPrecision(3))} + ${Number(fit.slope.toPrecision(3))}·x`.replace(/-/g, '−')) : '',
  ].join('\n');
  return svgDocument(`${d.title} (n = ${d.points.length})`, body);
}
