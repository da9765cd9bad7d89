import { blandAltmanSvg } from '../plots/bland-altman-plot.js';
import { identitySvg } from '../plots/identity-plot.js';
import type { MarkerValidation, PairAgreement } from './validation-schemas.js';

export interface ValidationPlot {
  /** a file name: <score>-<marker>-<a>-vs-<b>-<kind>.svg */
  file: string;
  kind: 'bland-altman' | 'identity';
  pair: string;
  svg: string;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '_');

/**
 * The Bland–Altman and identity plots of every numeric pair of one marker's comparison (grades
 * and yes/no calls are shown as confusion matrices instead). Counts are drawn on the ratio scale,
 * as their limits are computed.
 */
export function validationPlots(r: MarkerValidation): ValidationPlot[] {
  if (r.scale.kind !== 'count' && r.scale.kind !== 'continuous') return [];
  const unit = r.unit === 'count' ? '' : ` (${r.unit})`;
  return r.pairs.flatMap((p: PairAgreement): ValidationPlot[] => {
    if (p.n === 0) return [];
    const name = `${p.a} vs ${p.b}`;
    const stem = `${safe(r.score)}-${safe(r.marker)}-${safe(p.a)}-vs-${safe(p.b)}`;
    const out: ValidationPlot[] = [];
    const ratio = r.scale.kind === 'count' ? p.ratio : null;
    const ba = ratio ?? p.blandAltman;
    if (ba) {
      const points = p.points.filter((q) => !ratio || (q.a > 0 && q.b > 0));
      out.push({
        file: `${stem}-bland-altman.svg`,
        kind: 'bland-altman',
        pair: name,
        svg: blandAltmanSvg({
          title: `${r.marker} ${r.label}: ${name}`,
          xLabel: `mean of ${p.a} and ${p.b}${unit}`,
          yLabel: ratio ? `ratio ${p.a} / ${p.b} (log scale)` : `difference ${p.a} − ${p.b}${unit}`,
          scale: ratio ? 'ratio' : 'difference',
          points: points.map((q) => ({ id: q.slide, mean: (q.a + q.b) / 2, y: ratio ? q.a / q.b : q.a - q.b })),
          bias: ba.bias,
          lower: ba.lower,
          upper: ba.upper,
          biasCi: ba.biasCi,
          lowerCi: ba.lowerCi,
          upperCi: ba.upperCi,
        }),
      });
    }
    out.push({
      file: `${stem}-identity.svg`,
      kind: 'identity',
      pair: name,
      svg: identitySvg({
        title: `${r.marker} ${r.label}: ${name}`,
        xLabel: `${p.b}${unit}`,
        yLabel: `${p.a}${unit}`,
        points: p.points.map((q) => ({ id: q.slide, x: q.b, y: q.a })),
        fit: p.passingBablok && { slope: p.passingBablok.slope, intercept: p.passingBablok.intercept },
      }),
    });
    return out;
  });
}
