import Table from 'cli-table3';
import { num, pairName, spreadSentence, summaryCells, summaryColumns } from '../cohort/validation/agreement-summary.js';
import type { IccJson, ValidationReport } from '../cohort/validation/validation-schemas.js';

function iccLine(what: string, icc: IccJson | null): string | null {
  if (!icc) return null;
  const f = (form: string) => {
    const e = icc.forms.find((x) => x.form === form)!;
    return `${form} ${num(e.icc)} [${num(e.ci.lower)}, ${num(e.ci.upper)}]`;
  };
  return `  ICC ${what} (n = ${icc.n}, k = ${icc.k}): ${f('ICC2')} · ${f('ICC3')} · ${f('ICC2k')}`;
}

/** The comparison as terminal text: per marker the pairs with n and their figures, the ICCs and the spread verdict. */
export function validationTableText(report: ValidationReport): string {
  if (report.results.length === 0) return `no slide has both a tool value and a manual read of ${report.score}`;
  return report.results
    .map((r) => {
      const t = new Table({ head: ['comparison (a vs b)', 'n', ...summaryColumns(r.scale)], style: { head: [], border: [] } });
      for (const p of r.pairs) t.push([pairName(p), p.n, ...summaryCells(p, r.scale)]);
      const lines = [
        `${r.marker} ${r.label} (${r.score}, ${r.unit}): ${r.slides} slides, raters ${r.raters.join(', ')}`,
        t.toString(),
        iccLine('raters', r.icc.raters),
        iccLine('tool + raters', r.icc.withTool),
        `  ${spreadSentence(r)}`,
      ];
      return lines.filter((l): l is string => l !== null).join('\n');
    })
    .join('\n\n');
}
