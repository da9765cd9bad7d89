import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { boxPlotSvg } from '../../src/cohort/plots/box-plot.js';
import { boxStats } from '../../src/cohort/plots/box-stats.js';
import { formatP, formatRho, scatterSvg } from '../../src/cohort/plots/scatter.js';
import { slopeChartSvg } from '../../src/cohort/plots/slope-chart.js';
import { escapeXml } from '../../src/cohort/plots/svg.js';
import { MetadataError } from '../../src/errors/index.js';

interface Node {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: Node[];
}

/** Every element of the document, depth-first, with its attributes (entities decoded) and direct text. */
function elements(svg: string): Node[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false });
  const out: Node[] = [];
  const walk = (items: Record<string, unknown>[]): Node[] =>
    items.flatMap((item) => {
      const tag = Object.keys(item).find((k) => k !== ':@' && k !== '#text');
      if (!tag) return [];
      const node: Node = { tag, attrs: (item[':@'] as Record<string, string>) ?? {}, text: '', children: [] };
      out.push(node);
      const kids = item[tag] as Record<string, unknown>[];
      node.text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
      node.children = walk(kids);
      return [node];
    });
  walk(parser.parse(svg));
  return out;
}

const byClass = (nodes: Node[], cls: string) => nodes.filter((n) => (n.attrs.class ?? '').split(' ').includes(cls));
const n = (s: string) => Number(s);

// Shared frame: plot area x 72–480, y 56–364 (640 × 420 with margins 56/160/56/72).
const BLUE = '#0072B2';
const ORANGE = '#D55E00';
const GREY = '#7F7F7F';

describe('paired slope chart', () => {
  const svg = slopeChartSvg({
    title: 'CD163+ cells before and after treatment',
    scoreLabel: 'CD163+ cells per mm²',
    patients: [
      { patient: 'P1', baseline: 20, followUp: 80, responder: true },
      { patient: 'P2', baseline: 50, followUp: 40, responder: false },
      { patient: 'A&B <"3">', baseline: 100, followUp: 0, responder: null },
    ],
  });
  const nodes = elements(svg);

  it('draws one line per patient in its response colour, at scaled positions', () => {
    const lines = byClass(nodes, 'slope');
    expect(lines).toHaveLength(3);
    // y domain [0, 100] over 364 → 56: y(v) = 364 − 3.08·v; x at ¼ and ¾ of the plot width
    const expected = [
      { stroke: BLUE, y1: 302.4, y2: 117.6 },
      { stroke: ORANGE, y1: 210, y2: 240.8 },
      { stroke: GREY, y1: 56, y2: 364 },
    ];
    lines.forEach((l, i) => {
      expect(l.attrs.stroke).toBe(expected[i].stroke);
      expect(n(l.attrs.x1)).toBe(174);
      expect(n(l.attrs.x2)).toBe(378);
      expect(n(l.attrs.y1)).toBeCloseTo(expected[i].y1, 2);
      expect(n(l.attrs.y2)).toBeCloseTo(expected[i].y2, 2);
    });
    expect(byClass(nodes, 'patient').map((g) => g.attrs['data-patient'])).toEqual(['P1', 'P2', 'A&B <"3">']);
  });

  it('has a value axis with nice ticks and the label with units, timepoint labels and a legend', () => {
    const axisY = byClass(nodes, 'axis-y')[0];
    const tickLabels = byClass(axisY.children, 'tick-label');
    expect(tickLabels.map((t) => t.text)).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(tickLabels.map((t) => n(t.attrs.y))).toEqual([364, 302.4, 240.8, 179.2, 117.6, 56]);
    expect(byClass(axisY.children, 'axis-label')[0].text).toBe('CD163+ cells per mm²');
    expect(byClass(byClass(nodes, 'axis-x')[0].children, 'tick-label').map((t) => t.text)).toEqual(['Baseline', '6 months']);
    const legend = byClass(nodes, 'legend-entry').map((e) => [e.children[0].attrs.fill, e.children[1].text]);
    expect(legend).toEqual([[BLUE, 'Responder'], [ORANGE, 'Non-responder'], [GREY, 'Response unknown']]);
  });

  it('escapes text for XML', () => {
    expect(svg).toContain('data-patient="A&amp;B &lt;&quot;3&quot;&gt;"');
    expect(svg).not.toContain('<"3">');
    expect(escapeXml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
  });

  it('names the bad field', () => {
    const bad = { title: 't', scoreLabel: 's', patients: [{ patient: 'P1', baseline: NaN, followUp: 1, responder: true }] };
    expect(() => slopeChartSvg(bad)).toThrow(MetadataError);
    expect(() => slopeChartSvg(bad)).toThrow(/slope chart: patients\.0\.baseline/);
  });
});

describe('box statistics', () => {
  it('quartiles as R quantile() type 7: 1..10 → 3.25, 5.5, 7.75', () => {
    const s = boxStats([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])!;
    expect([s.q1, s.median, s.q3]).toEqual([3.25, 5.5, 7.75]);
    expect([s.lowerWhisker, s.upperWhisker, s.outliers]).toEqual([1, 10, []]);
  });

  it('Tukey whiskers stop at the last point within 1.5 IQR', () => {
    // Q1 2, Q3 4, IQR 2: fences −1 and 7
    expect(boxStats([1, 2, 3, 4, 100])).toEqual({ n: 5, q1: 2, median: 3, q3: 4, lowerWhisker: 1, upperWhisker: 4, outliers: [100] });
    expect(boxStats([])).toBeNull();
  });
});

describe('responder box plot', () => {
  const points = [
    ...[20, 40, 50, 60, 80].map((value, i) => ({ patient: `R${i}`, value, responder: true })),
    ...[10, 12, 14, 16, 18, 100].map((value, i) => ({ patient: `N${i}`, value, responder: false })),
  ];
  const input = { title: 'IL-1Ra % positive area at 6 months', scoreLabel: 'IL-1Ra+ area (%)', points };
  const svg = boxPlotSvg(input);
  const nodes = elements(svg);
  const y = (v: number) => 364 - 3.08 * v;

  it('puts box, median and whiskers at the known quartiles', () => {
    const [responders, nonResponders] = byClass(nodes, 'group');
    expect(responders.attrs['data-n']).toBe('5');
    expect(nonResponders.attrs['data-n']).toBe('6');
    // responders: Q1 40, median 50, Q3 60, whiskers 20 and 80
    const rMedian = byClass(responders.children, 'median')[0];
    expect(n(rMedian.attrs.y1)).toBeCloseTo(y(50), 2);
    expect([n(rMedian.attrs.x1), n(rMedian.attrs.x2)]).toEqual([148.5, 199.5]);
    const rBox = byClass(responders.children, 'box')[0];
    expect(n(rBox.attrs.y)).toBeCloseTo(y(60), 2);
    expect(n(rBox.attrs.height)).toBeCloseTo(y(40) - y(60), 2);
    expect(rBox.attrs.stroke).toBe(BLUE);
    expect(byClass(responders.children, 'whisker-cap').map((c) => n(c.attrs.y1))).toEqual([y(20), y(80)].map((v) => Math.round(v * 100) / 100));
    // non-responders: Q1 12.5, median 15, Q3 17.5, whiskers 10 and 18, 100 beyond the fence 25
    const nMedian = byClass(nonResponders.children, 'median')[0];
    expect(n(nMedian.attrs.y1)).toBeCloseTo(y(15), 2);
    expect(nMedian.attrs.stroke).toBe(ORANGE);
    const nBox = byClass(nonResponders.children, 'box')[0];
    expect(n(nBox.attrs.y)).toBeCloseTo(y(17.5), 2);
    expect(n(nBox.attrs.height)).toBeCloseTo(y(12.5) - y(17.5), 2);
    expect(byClass(nonResponders.children, 'whisker-cap').map((c) => n(c.attrs.y1))).toEqual([y(10), y(18)].map((v) => Math.round(v * 100) / 100));
  });

  it('draws every patient at its value, jittered deterministically inside its band', () => {
    const circles = byClass(nodes, 'point');
    expect(circles).toHaveLength(11);
    for (const c of circles) {
      const p = points.find((q) => q.patient === c.attrs['data-patient'])!;
      expect(n(c.attrs.cy)).toBeCloseTo(y(p.value), 2);
      const centre = p.responder ? 174 : 378;
      expect(Math.abs(n(c.attrs.cx) - centre)).toBeLessThanOrEqual(20.4);
      expect(c.attrs.fill).toBe(p.responder ? BLUE : ORANGE);
    }
    expect(new Set(circles.map((c) => c.attrs.cx)).size).toBeGreaterThan(1);
    expect(boxPlotSvg(input)).toBe(svg);
    const reseeded = elements(boxPlotSvg({ ...input, seed: 2 }));
    expect(byClass(reseeded, 'point').map((c) => c.attrs.cx)).not.toEqual(circles.map((c) => c.attrs.cx));
    expect(byClass(reseeded, 'point').map((c) => c.attrs.cy)).toEqual(circles.map((c) => c.attrs.cy));
  });

  it('labels the groups with their sizes', () => {
    expect(byClass(byClass(nodes, 'axis-x')[0].children, 'tick-label').map((t) => t.text)).toEqual(['Responders (n = 5)', 'Non-responders (n = 6)']);
    expect(byClass(byClass(nodes, 'axis-y')[0].children, 'axis-label')[0].text).toBe('IL-1Ra+ area (%)');
  });
});

describe('score vs outcome scatter', () => {
  const xs = [0, 2, 4, 6, 8, 10];
  const ys = [10, 20, 15, 30, 25, 50];
  const svg = scatterSvg({
    title: 'Baseline CD163+ & MMT-8',
    xLabel: 'CD163+ cells per mm² at baseline',
    yLabel: 'MMT-8 at 6 months (0–80)',
    points: xs.map((x, i) => ({ patient: `P${i}`, x, y: ys[i], responder: i % 2 === 0 })),
    rho: 0.8286,
    p: 0.0416,
  });
  const nodes = elements(svg);

  it('puts ρ, p and n in the title, escaped', () => {
    const title = byClass(nodes, 'title')[0].text;
    expect(title).toBe('Baseline CD163+ & MMT-8 (Spearman ρ = 0.83, p = 0.042, n = 6)');
    expect(svg).toContain('Baseline CD163+ &amp; MMT-8');
    expect(nodes.find((e) => e.tag === 'title')!.text).toBe(title);
  });

  it('places points at the scaled positions', () => {
    // x domain [0, 10] over 72 → 480: 72 + 40.8·x; y domain [10, 50] over 364 → 56: 364 − 7.7·(y − 10)
    const circles = byClass(nodes, 'point');
    expect(circles.map((c) => n(c.attrs.cx))).toEqual([72, 153.6, 235.2, 316.8, 398.4, 480]);
    expect(circles.map((c) => n(c.attrs.cy))).toEqual([364, 287, 325.5, 210, 248.5, 56]);
    expect(circles.map((c) => c.attrs.fill)).toEqual([BLUE, ORANGE, BLUE, ORANGE, BLUE, ORANGE]);
    expect(byClass(byClass(nodes, 'axis-x')[0].children, 'tick-label').map((t) => t.text)).toEqual(['0', '2', '4', '6', '8', '10']);
    expect(byClass(byClass(nodes, 'axis-x')[0].children, 'axis-label')[0].text).toBe('CD163+ cells per mm² at baseline');
  });

  it('formats ρ and p for reading', () => {
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.001)).toBe('p = 0.001');
    expect(formatP(0.5)).toBe('p = 0.5');
    expect(formatP(1)).toBe('p = 1');
    expect(formatRho(-0.5)).toBe('ρ = −0.50');
    expect(() => scatterSvg({ title: 't', xLabel: 'x', yLabel: 'y', points: [{ patient: 'a', x: 1, y: 1, responder: null }], rho: 1.2, p: 0.5 })).toThrow(/scatter plot: rho/);
  });
});
