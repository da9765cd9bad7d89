import { scaleLinear, scaleLog } from 'd3-scale';
import { z } from 'zod';
import { parsePlotInput } from './parse-input.js';
import { PLOT, bottomAxis, el, escapeXml, extentOf, leftAxis, legend, num, svgDocument, text } from './svg.js';

const Bound = z.number().nullable();
const Band = z.object({ lower: Bound, upper: Bound });

export const BlandAltmanPlotInput = z.object({
  title: z.string(),
  xLabel: z.string().min(1),
  yLabel: z.string().min(1),
  /** 'difference': y = a − b on a linear axis; 'ratio': y = a / b on a log axis (counts) */
  scale: z.enum(['difference', 'ratio']),
  /** one per item: the mean of the two methods (x) and their difference or ratio (y) */
  points: z.array(z.object({ id: z.string().min(1), mean: z.number(), y: z.number() })).min(1),
  bias: z.number(),
  lower: z.number(),
  upper: z.number(),
  biasCi: Band,
  lowerCi: Band,
  upperCi: Band,
});
export type BlandAltmanPlotInput = z.input<typeof BlandAltmanPlotInput>;

const COLOURS = { point: '#0072B2', bias: '#000000', limit: '#D55E00', band: '#E69F00' } as const;

/**
 * Bland–Altman plot (Bland & Altman 1986): difference (or ratio, on a log axis) against the mean
 * of the two methods, with the bias and the limits of agreement as lines and their confidence
 * intervals as shaded bands, and the line of no difference.
 */
export function blandAltmanSvg(input: BlandAltmanPlotInput): string {
  const d = parsePlotInput(BlandAltmanPlotInput, input, 'Bland–Altman plot');
  const ratio = d.scale === 'ratio';
  const none = ratio ? 1 : 0;
  const bounds = [d.biasCi, d.lowerCi, d.upperCi].flatMap((b) => [b.lower, b.upper]).filter((v): v is number => v !== null && (!ratio || v > 0));
  const ys = [...d.points.map((p) => p.y), d.bias, d.lower, d.upper, none, ...bounds].filter((v) => !ratio || v > 0);
  const x = scaleLinear().domain(extentOf(d.points.map((p) => p.mean), false)).range([PLOT.left, PLOT.right]).nice();
  const [lo, hi] = extentOf(ys, false);
  // a log axis 'nice'd to whole decades would squeeze ratios near 1 into a sliver: 5 % margins instead
  const y = ratio ? scaleLog().domain([lo / 1.05, hi * 1.05]).range([PLOT.bottom, PLOT.top]) : scaleLinear().domain([lo, hi]).range([PLOT.bottom, PLOT.top]).nice();
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : String(Number(v.toPrecision(3))));
  const clampY = (v: number) => Math.min(PLOT.bottom, Math.max(PLOT.top, y(v)));
  const band = (b: { lower: number | null; upper: number | null }, cls: string) => {
    if (b.lower === null || b.upper === null || (ratio && b.lower <= 0)) return '';
    const top = clampY(b.upper);
    return el('rect', { class: `ci-band ${cls}`, x: PLOT.left, width: PLOT.right - PLOT.left, y: top, height: Math.max(0, clampY(b.lower) - top), fill: COLOURS.band, 'fill-opacity': 0.25 });
  };
  const hline = (v: number, cls: string, colour: string, dash?: string) =>
    el('line', { class: cls, x1: PLOT.left, x2: PLOT.right, y1: y(v), y2: y(v), stroke: colour, 'stroke-width': cls === 'zero' ? 1 : 1.5, ...(dash ? { 'stroke-dasharray': dash } : {}) });
  const label = (v: number, s: string) => text({ class: 'line-label', x: PLOT.right + 6, y: y(v), 'dominant-baseline': 'middle' }, `${s} ${fmt(v)}`);
  const points = d.points.map((p) => el('circle', { class: 'point', 'data-id': p.id, cx: x(p.mean), cy: clampY(p.y), r: 4, fill: COLOURS.point, 'fill-opacity': 0.8 }, el('title', {}, escapeXml(`${p.id}: ${fmt(p.y)}`))));
  const body = [
    el('g', { class: 'bands' }, [band(d.lowerCi, 'lower'), band(d.upperCi, 'upper'), band(d.biasCi, 'bias')].join('')),
    // ratios as plain numbers (d3's log format would write 0.8 as "800m")
    leftAxis(ratio ? Object.assign((v: number) => y(v), { ticks: (c?: number) => y.ticks(c), tickFormat: () => fmt }) : y, d.yLabel),
    bottomAxis(x, d.xLabel),
    hline(none, 'zero', '#7F7F7F'),
    hline(d.bias, 'bias', COLOURS.bias),
    hline(d.lower, 'loa lower', COLOURS.limit, '6 4'),
    hline(d.upper, 'loa upper', COLOURS.limit, '6 4'),
    el('g', { class: 'line-labels' }, [label(d.upper, 'upper'), label(d.bias, 'bias'), label(d.lower, 'lower')].join('')),
    el('g', { class: 'points' }, points.join('')),
    el('g', { transform: `translate(0,${num(PLOT.bottom - PLOT.top - 48)})` }, legend([{ label: '95 % CI', colour: COLOURS.band }])),
  ].join('\n');
  return svgDocument(`${d.title} (n = ${d.points.length})`, body);
}
