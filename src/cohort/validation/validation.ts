import { biopsyOf, biopsySlideOf } from '../../domain/biopsy.js';
import { TOOL_RATER, type ManualScore } from '../../domain/manual-score.js';
import { AnalysisError, MetadataError } from '../../errors/index.js';
import { blandAltman, blandAltmanRatio, type BlandAltmanResult } from '../stats/bland-altman.js';
import { linConcordance } from '../stats/concordance.js';
import { icc, ICC_FORMS } from '../stats/icc.js';
import { CONFIDENCE, type Interval } from '../stats/interval.js';
import { cohenKappa, confusionMatrix, type KappaResult } from '../stats/kappa.js';
import { passingBablok } from '../stats/passing-bablok.js';
import { manualScoreSpec, type ScoreScale } from './score-scale.js';
import { ValidationRequest, type BlandAltmanJson, type IccJson, type MarkerValidation, type PairAgreement, type ValidationReport } from './validation-schemas.js';

/**
 * The method comparison (issue 17, CLSI EP09's question): for one catalogue score, the tool's
 * value of each slide beside each pathologist's manual read of it, and the pathologists beside
 * each other, so the tool's agreement with the raters can be set against the raters' agreement
 * with one another ("is the tool inside the human spread?"). Pure: values in, statistics out.
 */

/** One slide's value of one score from the tool (the latest analysis; as signed when signed off). */
export interface SlideValue {
  patient: string;
  timepoint: string;
  marker: string;
  score: string;
  value: number;
}

/** Each statistic and its interval method, as the report states them. */
export const METHODS = {
  blandAltman: 'Bland–Altman (Bland & Altman 1986, 1999): bias = mean difference (method − rater) with its exact t interval; 95 % limits of agreement bias ± 1.96 SD with Bland & Altman\'s (1999) approximate intervals, limit ± t(n−1)·SD·√(1/n + 1.96²/(2(n−1))).',
  ratio: 'Counts and densities also on the ratio scale (Bland & Altman 1999, §3): the same on ln values, back-transformed to the geometric mean ratio and ratio limits; pairs with a zero are left out and counted.',
  ccc: "Lin's concordance correlation coefficient (Lin 1989, 2000) with its interval on Fisher's z; r (precision) and C_b (accuracy) beside it.",
  passingBablok: "Passing–Bablok regression (Passing & Bablok 1983) of the method on the rater, with rank intervals for slope and intercept as R's mcr package computes them.",
  kappa: "Cohen's κ for yes/no calls and grades, quadratic-weighted κ for grades, with the Fleiss, Cohen & Everitt (1969) asymptotic standard error and a normal interval; the confusion matrix beside them.",
  icc: 'Intraclass correlation over the slides every method scored: the six Shrout & Fleiss (1979) forms (ICC(1,1), ICC(2,1) = ICC(A,1), ICC(3,1) = ICC(C,1) and their k-rater means) with McGraw & Wong (1996) F-based intervals, for the raters alone and with the tool as one more rater.',
  spread: 'Inside the human spread: each tool-vs-rater agreement is at least as good as the worst rater-vs-rater agreement (limits of agreement no wider — as ratio upper/lower for counts — or κ no lower).',
} as const;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const interval = (i: Interval) => ({ lower: finite(i.lower), upper: finite(i.upper) });
const baJson = (r: BlandAltmanResult): BlandAltmanJson => ({
  n: r.n,
  bias: r.bias,
  biasCi: interval(r.biasCi),
  sd: r.sd,
  lower: r.lower,
  lowerCi: interval(r.lowerCi),
  upper: r.upper,
  upperCi: interval(r.upperCi),
});
const kappaJson = (k: KappaResult) => ({ kappa: k.kappa, se: k.se, ci: interval(k.ci), po: k.po });

/** Runs a statistic; one that cannot be computed on these items leaves a note instead of failing the report. */
function attempt<T>(notes: string[], what: string, fn: () => T): T | null {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof AnalysisError)) throw err;
    notes.push(`${what}: ${err.message}`);
    return null;
  }
}

function categoriesOf(scale: ScoreScale): (string | number)[] {
  return scale.kind === 'binary' ? ['no', 'yes'] : scale.kind === 'ordinal' ? scale.levels : [];
}

function pairAgreement(a: string, b: string, points: PairAgreement['points'], scale: ScoreScale, confidence: number): PairAgreement {
  const notes: string[] = [];
  const xa = points.map((p) => p.a);
  const xb = points.map((p) => p.b);
  const numeric = scale.kind === 'count' || scale.kind === 'continuous';
  const categorical = scale.kind === 'binary' || scale.kind === 'ordinal';
  const call = (v: number) => (scale.kind === 'binary' ? (v >= 0.5 ? 'yes' : 'no') : v);
  const table = categorical && points.length > 0 ? confusionMatrix(xa.map(call), xb.map(call), categoriesOf(scale)) : null;
  const ratio = scale.kind === 'count' ? attempt(notes, 'ratio scale', () => blandAltmanRatio(xa, xb, { confidence })) : null;
  if (ratio && ratio.excluded > 0) notes.push(`ratio scale: ${ratio.excluded} pair${ratio.excluded === 1 ? '' : 's'} with a zero left out`);
  const pb = numeric ? attempt(notes, 'Passing–Bablok', () => passingBablok(xb, xa, confidence)) : null;
  const ccc = numeric ? attempt(notes, "Lin's CCC", () => linConcordance(xa, xb, confidence)) : null;
  const kappa = table ? attempt(notes, 'κ', () => cohenKappa(table, 'unweighted', confidence)) : null;
  const weighted = table && scale.kind === 'ordinal' ? attempt(notes, 'weighted κ', () => cohenKappa(table, 'quadratic', confidence)) : null;
  const ba = numeric ? attempt(notes, 'Bland–Altman', () => blandAltman(xa, xb, { confidence })) : null;
  return {
    a,
    b,
    kind: a === TOOL_RATER ? 'tool-vs-rater' : 'rater-vs-rater',
    n: points.length,
    points,
    blandAltman: ba && baJson(ba),
    ratio: ratio && { ...baJson({ ...ratio.log, bias: ratio.ratio.bias, biasCi: ratio.ratio.biasCi, lower: ratio.ratio.lower, upper: ratio.ratio.upper, lowerCi: ratio.ratio.lowerCi, upperCi: ratio.ratio.upperCi }), excluded: ratio.excluded },
    ccc: ccc && { ccc: ccc.ccc, ci: interval(ccc.ci), pearson: ccc.pearson, cb: ccc.cb },
    passingBablok: pb && { slope: pb.slope, slopeCi: interval(pb.slopeCi), intercept: pb.intercept, interceptCi: interval(pb.interceptCi) },
    kappa: kappa && kappaJson(kappa),
    weightedKappa: weighted && kappaJson(weighted),
    confusion: table && { categories: [...table.categories], counts: table.counts },
    notes,
  };
}

function iccOver(methods: string[], slides: string[], values: Map<string, Map<string, number>>, confidence: number, notes: string[], what: string): IccJson | null {
  const complete = slides.filter((s) => methods.every((m) => values.get(m)?.has(s)));
  if (methods.length < 2) return null;
  const r = attempt(notes, what, () => icc(complete.map((s) => methods.map((m) => values.get(m)!.get(s)!)), confidence));
  return (
    r && {
      n: r.n,
      k: r.k,
      methods,
      forms: ICC_FORMS.map((f) => {
        const e = r.forms[f];
        return { form: f, model: e.model, icc: e.icc, ci: interval(e.ci), f: e.f, df1: e.df1, df2: e.df2, p: e.p };
      }),
    }
  );
}

/** The headline agreement figure of a pair for the spread comparison, by scale. */
function spreadValue(p: PairAgreement, scale: ScoreScale): number | null {
  switch (scale.kind) {
    case 'count':
      return p.ratio ? p.ratio.upper / p.ratio.lower : null;
    case 'continuous':
      return p.blandAltman ? p.blandAltman.upper - p.blandAltman.lower : null;
    case 'ordinal':
      return p.weightedKappa?.kappa ?? null;
    case 'binary':
      return p.kappa?.kappa ?? null;
  }
}

function humanSpread(pairs: PairAgreement[], scale: ScoreScale): MarkerValidation['spread'] {
  const metric =
    scale.kind === 'count' ? 'span of the 95 % limits of agreement on the ratio scale (upper ÷ lower ratio)'
    : scale.kind === 'continuous' ? 'width of the 95 % limits of agreement'
    : scale.kind === 'ordinal' ? 'quadratic-weighted κ'
    : "Cohen's κ";
  const better = scale.kind === 'count' || scale.kind === 'continuous' ? 'lower' : 'higher';
  const valued = pairs.map((p) => ({ p, v: spreadValue(p, scale) })).filter((x): x is { p: PairAgreement; v: number } => x.v !== null);
  const toolVsRater = valued.filter((x) => x.p.kind === 'tool-vs-rater').map((x) => ({ rater: x.p.b, value: x.v }));
  const raterVsRater = valued.filter((x) => x.p.kind === 'rater-vs-rater').map((x) => ({ a: x.p.a, b: x.p.b, value: x.v }));
  if (toolVsRater.length === 0) return null;
  let inside: boolean | null = null;
  if (raterVsRater.length > 0) {
    const values = raterVsRater.map((r) => r.value);
    const worst = better === 'lower' ? Math.max(...values) : Math.min(...values);
    inside = toolVsRater.every((t) => (better === 'lower' ? t.value <= worst : t.value >= worst));
  }
  return { metric, better, toolVsRater, raterVsRater, inside };
}

/** Every marker's comparison for the request's score; markers in name order. */
export function runValidation(tool: readonly SlideValue[], manual: readonly ManualScore[], input: ValidationRequest, confidence = CONFIDENCE): ValidationReport {
  const req = ValidationRequest.parse(input);
  const spec = manualScoreSpec(req.score);
  if (!spec) throw new MetadataError(`validate: unknown score '${req.score}'`);
  const biopsies = req.slides ? new Set(req.slides) : null;
  const keep = (v: { patient: string; timepoint: string; marker: string; score: string }) =>
    v.score === req.score &&
    (!req.marker || v.marker === req.marker) &&
    (!req.timepoint || v.timepoint === req.timepoint) &&
    (!biopsies || biopsies.has(biopsyOf(v.patient, v.timepoint)));
  const toolRows = tool.filter(keep);
  const reads = manual.filter((r) => keep(r) && (!req.raters || req.raters.includes(r.rater)));
  // signed off only: the slides a signed-off analysis scored, for every comparison alike
  const allowed = req.signedOffOnly ? new Set(toolRows.map((t) => biopsySlideOf(t.patient, t.timepoint, t.marker))) : null;

  const markers = [...new Set([...toolRows, ...reads].map((r) => r.marker))].sort();
  const results = markers.flatMap((marker): MarkerValidation[] => {
    const values = new Map<string, Map<string, number>>();
    const put = (method: string, r: { patient: string; timepoint: string; marker: string; value: number }) => {
      const slide = biopsySlideOf(r.patient, r.timepoint, r.marker);
      if (r.marker !== marker || (allowed && !allowed.has(slide))) return;
      if (!values.has(method)) values.set(method, new Map());
      values.get(method)!.set(slide, r.value);
    };
    for (const t of toolRows) put(TOOL_RATER, t);
    for (const r of reads) put(r.rater, r);
    const raters = [...values.keys()].filter((m) => m !== TOOL_RATER).sort();
    if (raters.length === 0) return [];
    const slides = [...new Set([...values.values()].flatMap((m) => [...m.keys()]))].sort();
    const pairOf = (a: string, b: string) => {
      const va = values.get(a);
      const vb = values.get(b)!;
      const points = va ? slides.filter((s) => va.has(s) && vb.has(s)).map((s) => ({ slide: s, a: va.get(s)!, b: vb.get(s)! })) : [];
      return pairAgreement(a, b, points, spec.scale, confidence);
    };
    const pairs = [
      ...(values.has(TOOL_RATER) ? raters.map((r) => pairOf(TOOL_RATER, r)) : []),
      ...raters.flatMap((a, i) => raters.slice(i + 1).map((b) => pairOf(a, b))),
    ];
    const iccNotes: string[] = [];
    const noIcc = spec.scale.kind === 'binary';
    return [
      {
        score: req.score,
        marker,
        label: spec.field.label,
        unit: spec.field.unit,
        scale: spec.scale,
        raters,
        slides: slides.length,
        pairs,
        icc: {
          raters: noIcc ? null : iccOver(raters, slides, values, confidence, iccNotes, 'ICC of the raters'),
          withTool: noIcc || !values.has(TOOL_RATER) ? null : iccOver([TOOL_RATER, ...raters], slides, values, confidence, iccNotes, 'ICC with the tool'),
          notes: noIcc ? ['ICC: not for yes/no calls (κ instead)'] : iccNotes,
        },
        spread: humanSpread(pairs, spec.scale),
      },
    ];
  });
  const scale = spec.scale.kind;
  const methods = [
    ...(scale === 'count' || scale === 'continuous' ? [METHODS.blandAltman, ...(scale === 'count' ? [METHODS.ratio] : []), METHODS.ccc, METHODS.passingBablok] : [METHODS.kappa]),
    ...(scale === 'binary' ? [] : [METHODS.icc]),
    METHODS.spread,
  ];
  return { score: req.score, signedOffOnly: req.signedOffOnly, confidence, results, methods };
}
