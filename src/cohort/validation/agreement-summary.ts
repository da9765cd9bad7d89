import { sig3 } from '../format-number.js';
import type { ScoreScale } from './score-scale.js';
import type { MarkerValidation, PairAgreement } from './validation-schemas.js';

/**
 * One line of text per compared pair, the same in the terminal table (CLI, demo) and in the
 * report's summary table: which figures a scale gets, and how they are written.
 */
type Bound = number | null;
/** three significant digits with a true minus sign */
export const num = (v: Bound | undefined) => sig3(v).replace(/^-/, '−');
const ci = (i: { lower: Bound; upper: Bound }) => `[${num(i.lower)}, ${num(i.upper)}]`;
const signed = (v: number) => (v > 0 ? `+${num(v)}` : num(v));

export function summaryColumns(scale: ScoreScale): string[] {
  switch (scale.kind) {
    case 'count':
      return ['ratio a/b [95 % CI]', 'ratio limits of agreement', 'bias a − b [95 % CI]', 'CCC [95 % CI]', 'Passing–Bablok'];
    case 'continuous':
      return ['bias a − b [95 % CI]', 'limits of agreement', 'CCC [95 % CI]', 'Passing–Bablok'];
    case 'ordinal':
      return ['quadratic-weighted κ [95 % CI]', 'κ [95 % CI]', 'exact agreement'];
    case 'binary':
      return ["Cohen's κ [95 % CI]", 'agreement'];
  }
}

export function pairName(p: Pick<PairAgreement, 'a' | 'b'>): string {
  return `${p.a} vs ${p.b}`;
}

export function summaryCells(p: PairAgreement, scale: ScoreScale): string[] {
  const ba = p.blandAltman;
  const bias = ba ? `${signed(ba.bias)} ${ci(ba.biasCi)}` : '–';
  const limits = ba ? `${num(ba.lower)} to ${num(ba.upper)}` : '–';
  const ccc = p.ccc ? `${num(p.ccc.ccc)} ${ci(p.ccc.ci)}` : '–';
  const pb = p.passingBablok ? `y = ${num(p.passingBablok.intercept)} + ${num(p.passingBablok.slope)}·x` : '–';
  const kappa = (k: PairAgreement['kappa']) => (k ? `${num(k.kappa)} ${ci(k.ci)}` : '–');
  const agreement = p.kappa ? `${Math.round(p.kappa.po * p.n)}/${p.n}` : '–';
  switch (scale.kind) {
    case 'count':
      return [p.ratio ? `×${sig3(p.ratio.bias)} ${ci(p.ratio.biasCi)}` : '–', p.ratio ? `×${sig3(p.ratio.lower)} to ×${sig3(p.ratio.upper)}` : '–', bias, ccc, pb];
    case 'continuous':
      return [bias, limits, ccc, pb];
    case 'ordinal':
      return [kappa(p.weightedKappa), kappa(p.kappa), agreement];
    case 'binary':
      return [kappa(p.kappa), agreement];
  }
}

/** "inside the human spread: yes (tool vs …)", or why it cannot be said. */
export function spreadSentence(r: MarkerValidation): string {
  const s = r.spread;
  if (!s) return 'no tool-vs-rater comparison (the tool has no value on the slides the raters read)';
  const tool = s.toolVsRater.map((t) => `tool vs ${t.rater} ${num(t.value)}`).join(', ');
  const raters = s.raterVsRater.map((t) => `${t.a} vs ${t.b} ${num(t.value)}`).join(', ');
  if (s.inside === null) return `${s.metric}: ${tool}; one rater only, so no human spread to compare with`;
  return `tool inside the human spread: ${s.inside ? 'yes' : 'NO'} (${s.metric}, ${s.better} is better: ${tool}; ${raters})`;
}
