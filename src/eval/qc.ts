/**
 * QC evaluation against planted truth: for each artefact type, sensitivity by area (the truth
 * geometry's tissue — for ice, the holes — flagged by the right cause, and by any cause), and
 * the share of clean tissue (tissue farther than CLEAN_MARGIN_UM from every artefact, focus
 * patches measured from where their blur reaches zero) that any cause excludes.
 */
import { resolveParams, type AnalysisParamsInput, type QcParams } from '../domain/params.js';
import { QC_CAUSE_IDS } from '../domain/qc.js';
import { qcSlide, qcTile, QC_CAUSES, type QcCause, type QcTileResult } from '../detect/qc/index.js';
import { QC_BIT, renderQcCase, type QcCase, type QcCaseSpec } from './qc-cases.js';

/** seeds from here on were never used while tuning QC (tuning used seeds < 100) */
export const QC_HELDOUT_SEED_BASE = 4000;

const S = QC_HELDOUT_SEED_BASE;
const NONE = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0 };
const WHOLE = { artefacts: NONE, wholeField: true, vignette: 0.06, jpegQuality: 70 };
/** regions with one of each artefact type (the rest a lab-realism draw), seeds base … base + 7 */
export function qcArtefactCases(base: number): QcCaseSpec[] {
  return [...[0, 1, 4, 5].map((k) => ({ kind: 'cells' as const, seed: base + k })), ...[2, 3, 6, 7].map((k) => ({ kind: 'muscle' as const, seed: base + k }))];
}
/** clean regions: glass, and whole fields (stained, unstained) with ±6 % vignetting and JPEG 70, seeds base + 10 … base + 14 */
export function qcCleanCases(base: number): QcCaseSpec[] {
  return [
    { kind: 'cells', seed: base + 10, artefacts: NONE },
    { kind: 'cells', seed: base + 11, ...WHOLE, unstained: true },
    { kind: 'cells', seed: base + 14, ...WHOLE, unstained: false },
    { kind: 'muscle', seed: base + 12, ...WHOLE, unstained: false },
    { kind: 'muscle', seed: base + 13, ...WHOLE, unstained: true },
  ];
}
/** held-out regions with one of each artefact type */
export const QC_HELDOUT_ARTEFACT_CASES: readonly QcCaseSpec[] = qcArtefactCases(S);
/** held-out clean regions */
export const QC_HELDOUT_CLEAN_CASES: readonly QcCaseSpec[] = qcCleanCases(S);
/** the same layouts at these bases (seeds 20–94) were the tuning set (bench/qc-tune.ts) */
export const QC_TUNING_BASES: readonly number[] = [20, 40, 60, 80];

export interface QcTally {
  /** per type: truth pixels, flagged by the right cause, flagged by any cause */
  truth: Record<QcCause, number>;
  right: Record<QcCause, number>;
  any: Record<QcCause, number>;
  cleanTissue: number;
  cleanFlagged: number;
  /** clean tissue pixels each cause flags */
  cleanBy: Record<QcCause, number>;
}

export function emptyTally(): QcTally {
  const z = (): Record<QcCause, number> => ({ focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0 });
  return { truth: z(), right: z(), any: z(), cleanTissue: 0, cleanFlagged: 0, cleanBy: z() };
}

export function addTally(a: QcTally, b: QcTally): QcTally {
  for (const c of QC_CAUSES) {
    a.truth[c] += b.truth[c];
    a.right[c] += b.right[c];
    a.any[c] += b.any[c];
    a.cleanBy[c] += b.cleanBy[c];
  }
  a.cleanTissue += b.cleanTissue;
  a.cleanFlagged += b.cleanFlagged;
  return a;
}

export function evaluateQcCase(c: QcCase, qc: QcParams): QcTally & { verdict: string; excludedPct: number } {
  const tile = qcTile({ rgb: c.rgb, mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: c.spec.kind === 'muscle' }, qc);
  return tallyQcCase(c, tile, qc);
}

/** The tally of one case from its (single) tile's QC result, decided at slide level with `qc`. */
export function tallyQcCase(c: QcCase, tile: QcTileResult, qc: QcParams): QcTally & { verdict: string; excludedPct: number } {
  const slide = qcSlide([tile], qc);
  const m = slide.masks[0];
  const { width: w, height: h } = c.rgb;
  const { blockPx, stats } = tile;
  const t = emptyTally();
  for (let y = 0; y < h; y++) {
    const row = Math.floor(y / blockPx) * stats.cols;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const b = row + Math.floor(x / blockPx);
      const ins = c.inside[p];
      if (ins) {
        // other artefacts on top change what the pixel shows: only single-cause pixels count
        for (const cause of QC_CAUSES) {
          if (ins !== QC_BIT[cause]) continue;
          if (!c.tissue[p] && cause !== 'ice') continue;
          t.truth[cause]++;
          if (m[cause][b]) t.right[cause]++;
          if (m.any[b]) t.any[cause]++;
        }
      } else if (!c.near[p] && c.tissue[p]) {
        t.cleanTissue++;
        if (m.any[b]) t.cleanFlagged++;
        for (const cause of QC_CAUSES) if (m[cause][b]) t.cleanBy[cause]++;
      }
    }
  }
  return { ...t, verdict: slide.verdict, excludedPct: slide.excludedPct.any };
}

export interface QcEvalRow {
  spec: QcCaseSpec;
  tally: QcTally;
  verdict: string;
  excludedPct: number;
}

/** The detectors against planted truth: every cause unless told (the analysis default leaves folds out, params.qc.causes says why). */
export async function evaluateQc(specs: readonly QcCaseSpec[], params: AnalysisParamsInput = { qc: { causes: [...QC_CAUSE_IDS] } }): Promise<{ rows: QcEvalRow[]; total: QcTally }> {
  const qc = resolveParams(params).qc;
  const rows: QcEvalRow[] = [];
  const total = emptyTally();
  for (const spec of specs) {
    const r = evaluateQcCase(await renderQcCase(spec), qc);
    rows.push({ spec, tally: r, verdict: r.verdict, excludedPct: r.excludedPct });
    addTally(total, r);
  }
  return { rows, total };
}

export function formatQcTally(t: QcTally): string {
  const lines = QC_CAUSES.map((c) => `${c.padEnd(7)} truth ${String(t.truth[c]).padStart(7)} px  sensitivity right cause ${ratio(t.right[c], t.truth[c])}  any cause ${ratio(t.any[c], t.truth[c])}`);
  lines.push(`clean tissue ${t.cleanTissue} px, excluded ${ratio(t.cleanFlagged, t.cleanTissue, 4)} (${QC_CAUSES.map((c) => `${c} ${ratio(t.cleanBy[c], t.cleanTissue, 4)}`).join(', ')})`);
  return lines.join('\n');
}

function ratio(a: number, b: number, d = 3): string {
  return b > 0 ? (a / b).toFixed(d) : '  n/a';
}
