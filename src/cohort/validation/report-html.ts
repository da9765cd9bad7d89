import { ANALYSIS_VERSION } from '../../domain/version.js';
import { sig3 } from '../format-number.js';
import { escapeXml } from '../plots/svg.js';
import { num, pairName, spreadSentence, summaryCells, summaryColumns } from './agreement-summary.js';
import type { ValidationPlot } from './validation-plots.js';
import type { IccJson, MarkerValidation, PairAgreement, ValidationReport } from './validation-schemas.js';

/**
 * The method comparison as one self-contained HTML page a lab can file (issue 17): what was
 * compared and how (methods, with every interval method), n everywhere, each marker's summary
 * table, ICCs, whether the tool lies inside the raters' spread, every figure inline (SVG), the
 * confusion matrices of grades and calls, and the paired values themselves. No script, no
 * external file: it prints and archives as it is.
 */
export interface ReportContext {
  /** ISO time the report was made */
  generatedAt: string;
  /** what was asked, in words (score, marker, raters, slides, signed-off only) */
  request: string;
}

const h = escapeXml;
const table = (head: string[], rows: string[][], cls = '') =>
  `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

function iccTable(title: string, icc: IccJson | null): string {
  if (!icc) return '';
  return `<h4>${h(title)} — n = ${icc.n} slides scored by all of ${h(icc.methods.join(', '))}</h4>${table(
    ['form', 'model', 'ICC', '95 % CI', 'F', 'df', 'p'],
    icc.forms.map((f) => [f.form, f.model, num(f.icc), `[${num(f.ci.lower)}, ${num(f.ci.upper)}]`, sig3(f.f), `${sig3(f.df1)}, ${sig3(f.df2)}`, sig3(f.p)]),
  )}`;
}

function confusionTable(p: PairAgreement): string {
  if (!p.confusion) return '';
  const cats = p.confusion.categories.map(String);
  return `<h4>${h(pairName(p))}: confusion matrix (rows ${h(p.a)}, columns ${h(p.b)}), n = ${p.n}</h4>${table(
    ['', ...cats],
    p.confusion.counts.map((row, i) => [cats[i], ...row.map(String)]),
    'confusion',
  )}`;
}

function markerSection(r: MarkerValidation, plots: readonly ValidationPlot[]): string {
  const cols = summaryColumns(r.scale);
  const summary = table(['comparison (a vs b)', 'n', ...cols], r.pairs.map((p) => [pairName(p), String(p.n), ...summaryCells(p, r.scale)]), 'summary');
  const notes = [...r.pairs.flatMap((p) => p.notes.map((n) => `${pairName(p)}: ${n}`)), ...r.icc.notes];
  const figures = plots
    .map((p) => `<figure class="plot" data-kind="${p.kind}" data-pair="${h(p.pair)}">${p.svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${h(p.pair)} — ${p.kind === 'bland-altman' ? 'Bland–Altman plot' : 'identity plot with Passing–Bablok line'} (${h(p.file)})</figcaption></figure>`)
    .join('\n');
  // every method's value per slide, gathered back from the pairs
  const values = new Map<string, Map<string, number>>();
  const put = (m: string, slide: string, v: number) => values.set(m, (values.get(m) ?? new Map()).set(slide, v));
  for (const p of r.pairs) for (const q of p.points) (put(p.a, q.slide, q.a), put(p.b, q.slide, q.b));
  const methods = ['tool', ...r.raters];
  const slides = [...new Set([...values.values()].flatMap((m) => [...m.keys()]))].sort();
  const data = table(['slide', ...methods], slides.map((s) => [s, ...methods.map((m) => num(values.get(m)?.get(s)))]), 'data');
  return `<section class="marker" data-marker="${h(r.marker)}">
<h2>${h(r.marker)} — ${h(r.label)} (${h(r.score)}, ${h(r.unit)})</h2>
<p>${r.slides} slides; raters: ${h(r.raters.join(', '))}. Differences are a − b and ratios a / b, a the method named first.</p>
<p class="spread">${h(spreadSentence(r))}</p>
${summary}
${iccTable('ICC, raters', r.icc.raters)}${iccTable('ICC, tool and raters', r.icc.withTool)}
${r.pairs.map(confusionTable).join('\n')}
${figures}
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
<details><summary>Paired values (${h(r.unit)})</summary>${data}</details>
</section>`;
}

export function validationReportHtml(report: ValidationReport, plots: ReadonlyMap<string, readonly ValidationPlot[]>, ctx: ReportContext): string {
  const label = report.results[0]?.label ?? report.score;
  const body = report.results.length
    ? report.results.map((r) => markerSection(r, plots.get(r.marker) ?? [])).join('\n')
    : '<p class="empty">No slide has both a tool value and a manual read of this score.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Method comparison: ${h(label)}</title>
<style>
body{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#111}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #bbb;padding:3px 7px;text-align:left;font-size:13px}
th{background:#eee}figure.plot{display:inline-block;margin:.5em}figure.plot svg{display:block}figcaption{font-size:12px;color:#444}
.spread{font-weight:bold}.notes{font-size:12px;color:#555}
@media print{figure.plot{break-inside:avoid}}
</style></head>
<body>
<h1>Method comparison: ${h(label)} (${h(report.score)})</h1>
<p>biopsy-quant ${h(ANALYSIS_VERSION)} against the lab's manual reads. ${h(ctx.request)}. ${report.signedOffOnly ? 'Only slides whose review is signed off, with the tool\'s scores as signed.' : 'The latest analysis of every slide.'} Generated ${h(ctx.generatedAt)}. Confidence level ${Math.round(report.confidence * 100)} %.</p>
${body}
<section class="methods"><h2>Methods</h2><ul>${report.methods.map((m) => `<li>${h(m)}</li>`).join('')}</ul>
<p>n is given for every comparison and in every figure title; a statistic that cannot be computed on its items is listed under its marker with the reason.</p></section>
</body></html>
`;
}
