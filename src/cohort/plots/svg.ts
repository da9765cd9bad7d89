import type { ScaleBand, ScalePoint } from 'd3-scale';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const RESPONSE_COLOURS = { responder: '#0072B2', nonResponder: '#D55E00', unknown: '#7F7F7F' } as const;
export const RESPONSE_LABELS = { responder: 'Responder', nonResponder: 'Non-responder', unknown: 'Response unknown' } as const;

export type Response = keyof typeof RESPONSE_COLOURS;
export function responseOf(responder: boolean | null): Response {
  return responder === null ? 'unknown' : responder ? 'responder' : 'nonResponder';
}

/** Every plot shares one frame; the right margin holds the legend. */
export const FRAME = { width: 640, height: 420, margin: { top: 56, right: 160, bottom: 56, left: 72 } } as const;
export const PLOT = {
  left: FRAME.margin.left,
  right: FRAME.width - FRAME.margin.right,
  top: FRAME.margin.top,
  bottom: FRAME.height - FRAME.margin.bottom,
} as const;

/** Text and attribute values: the five characters XML reserves. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Coordinates to 0.01 px: exact enough to draw, short and stable to compare. */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

export type Attrs = Record<string, string | number>;
export function el(tag: string, attrs: Attrs, content?: string): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`)
    .join('');
  return content === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${content}</${tag}>`;
}
export function text(attrs: Attrs, content: string): string {
  return el('text', attrs, escapeXml(content));
}

/** What an axis needs of a d3 value scale: linear and log scales both fit. */
export interface ValueScale {
  (value: number): number;
  ticks(count?: number): number[];
  tickFormat(count?: number): (value: number) => string;
}

/** Value axis on the left: d3's nice ticks and their formatter, axis label (with units) rotated along it. */
export function leftAxis(y: ValueScale, label: string): string {
  const ticks = y.ticks(6);
  const format = y.tickFormat(6);
  const parts = [el('line', { class: 'axis-line', x1: PLOT.left, x2: PLOT.left, y1: PLOT.top, y2: PLOT.bottom, stroke: '#000' })];
  for (const t of ticks) {
    parts.push(el('line', { class: 'tick', x1: PLOT.left - 6, x2: PLOT.left, y1: y(t), y2: y(t), stroke: '#000' }));
    parts.push(text({ class: 'tick-label', x: PLOT.left - 9, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(t)));
  }
  const cy = (PLOT.top + PLOT.bottom) / 2;
  parts.push(text({ class: 'axis-label', transform: `translate(${num(PLOT.left - 52)},${num(cy)}) rotate(-90)`, 'text-anchor': 'middle' }, label));
  return el('g', { class: 'axis axis-y' }, parts.join(''));
}

/** Value axis along the bottom, as leftAxis. */
export function bottomAxis(x: ValueScale, label: string): string {
  const ticks = x.ticks(6);
  const format = x.tickFormat(6);
  const parts = [el('line', { class: 'axis-line', x1: PLOT.left, x2: PLOT.right, y1: PLOT.bottom, y2: PLOT.bottom, stroke: '#000' })];
  for (const t of ticks) {
    parts.push(el('line', { class: 'tick', x1: x(t), x2: x(t), y1: PLOT.bottom, y2: PLOT.bottom + 6, stroke: '#000' }));
    parts.push(text({ class: 'tick-label', x: x(t), y: PLOT.bottom + 20, 'text-anchor': 'middle' }, format(t)));
  }
  parts.push(text({ class: 'axis-label', x: (PLOT.left + PLOT.right) / 2, y: PLOT.bottom + 44, 'text-anchor': 'middle' }, label));
  return el('g', { class: 'axis axis-x' }, parts.join(''));
}

/** Category labels under their positions (point scale) or band centres (band scale). */
export function categoryAxis(x: ScalePoint<string> | ScaleBand<string>, labels: Record<string, string>): string {
  const half = 'bandwidth' in x ? x.bandwidth() / 2 : 0;
  const parts = [el('line', { class: 'axis-line', x1: PLOT.left, x2: PLOT.right, y1: PLOT.bottom, y2: PLOT.bottom, stroke: '#000' })];
  for (const key of x.domain()) {
    const cx = x(key)! + half;
    parts.push(el('line', { class: 'tick', x1: cx, x2: cx, y1: PLOT.bottom, y2: PLOT.bottom + 6, stroke: '#000' }));
    parts.push(text({ class: 'tick-label', x: cx, y: PLOT.bottom + 22, 'text-anchor': 'middle' }, labels[key] ?? key));
  }
  return el('g', { class: 'axis axis-x' }, parts.join(''));
}

export function legend(entries: readonly { label: string; colour: string }[]): string {
  const x = PLOT.right + 12;
  const rows = entries.map((e, i) =>
    el('g', { class: 'legend-entry' }, [
      el('rect', { x, y: PLOT.top + i * 22, width: 14, height: 14, fill: e.colour }),
      text({ x: x + 20, y: PLOT.top + i * 22 + 7, 'dominant-baseline': 'middle' }, e.label),
    ].join('')),
  );
  return el('g', { class: 'legend' }, rows.join(''));
}

/** Legend for the response groups present in the data, in a fixed order. */
export function responseLegend(present: Iterable<Response>): string {
  const seen = new Set(present);
  const order: Response[] = ['responder', 'nonResponder', 'unknown'];
  return legend(order.filter((r) => seen.has(r)).map((r) => ({ label: RESPONSE_LABELS[r], colour: RESPONSE_COLOURS[r] })));
}

/** A standalone SVG document: white background, title as text and as <title> for screen readers. */
export function svgDocument(title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME.width}" height="${FRAME.height}" viewBox="0 0 ${FRAME.width} ${FRAME.height}" font-family="sans-serif" font-size="12" role="img">`,
    el('title', {}, escapeXml(title)),
    el('rect', { class: 'background', width: FRAME.width, height: FRAME.height, fill: '#fff' }),
    text({ class: 'title', x: FRAME.width / 2, y: 28, 'text-anchor': 'middle', 'font-size': 15 }, title),
    body,
    '</svg>',
  ].join('\n');
}

/** Domain for a value scale: the data's range, widened to a unit when all values are equal. */
export function extentOf(values: readonly number[], includeZero: boolean): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}
