import { z } from 'zod';

/**
 * Automatic quality control as it crosses boundaries (issue 10 point 4): the slide references the
 * plan sends to every tile, what a tile reports, and the slide's summary stored with its scores.
 * The detectors themselves are src/detect/qc/.
 */

/** The artefact causes, in the order every output lists them. src/detect/qc/qc-tile.ts has the same list (checked there at compile time). */
export const QC_CAUSE_IDS = ['focus', 'fold', 'ice', 'pen', 'bubble'] as const;
export const QcCauseId = z.enum(QC_CAUSE_IDS);
export type QcCauseId = z.infer<typeof QcCauseId>;

export const QcVerdict = z.enum(['ok', 'review', 'fail']);
export type QcVerdict = z.infer<typeof QcVerdict>;

/** 'review' above reviewPct % of the tissue excluded, 'fail' above failPct % (params.qc says why these). */
export function qcVerdict(excludedPct: number, limits: { reviewPct: number; failPct: number }): QcVerdict {
  return excludedPct > limits.failPct ? 'fail' : excludedPct > limits.reviewPct ? 'review' : 'ok';
}

/**
 * The slide's own references for focus and folds, from a sample of its tissue tiles at plan time
 * (src/pipeline/qc-reference-sample.ts): null when the sample had nothing to judge, and then
 * that cause is not decided on the slide.
 */
export const QcReference = z.object({
  /** median fine/coarse gradient-energy ratio of the sample's judged windows */
  focusRatio: z.number().positive().nullable(),
  /** with params.qc.focusPlane 'both': the same on the hematoxylin plane (absent otherwise) */
  focusRatioHema: z.number().positive().nullable().optional(),
  /** median OD floor of the sample's tissue blocks */
  foldFloorOd: z.number().nonnegative().nullable(),
  /** tiles the references were computed from */
  tiles: z.number().int().nonnegative(),
});
export type QcReference = z.infer<typeof QcReference>;

const PerCause = <T extends z.ZodType>(t: T) => z.object({ focus: t, fold: t, ice: t, pen: t, bubble: t });
const PerCauseAndAny = <T extends z.ZodType>(t: T) => PerCause(t).extend({ any: t });

/**
 * A block mask as run lengths: comma-separated decimal lengths of alternating runs of unset and
 * set blocks in row-major order, starting with unset ("" = nothing set). Artefacts are few and
 * compact, so a tile's mask is a handful of numbers.
 */
export const BlockMaskRle = z.string().regex(/^(\d+(,\d+)*)?$/, 'must be comma-separated run lengths');

/** What QC excluded in one tile's core. */
export const TileQc = z.object({
  /** block side in analysis px and µm; blocks start at the core's origin */
  blockPx: z.number().int().positive(),
  blockUm: z.number().positive(),
  cols: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  /** the core's origin, analysis-level px */
  x0: z.number().int().nonnegative(),
  y0: z.number().int().nonnegative(),
  /** tissue pixels (the analysis' own tissue rule) in excluded blocks, per cause (a block two causes flag counts for each) and in any */
  excludedTissuePixels: PerCauseAndAny(z.number().int().nonnegative()),
  /** the final block mask of each cause (their union is what was excluded) */
  masks: PerCause(BlockMaskRle),
  /**
   * muscle analyses: the fibres of the core left out as mostly under excluded blocks
   * (params.qc.fibreMaxExcluded), so whether the section is muscle is judged on all its fibres
   */
  excludedFibres: z.object({ count: z.number().int().nonnegative(), areaUm2: z.number().nonnegative() }).optional(),
});
export type TileQc = z.infer<typeof TileQc>;

/** A slide's QC result, stored with its scores. */
export const QcSummary = z.object({
  verdict: QcVerdict,
  /** % of the tissue excluded, per cause and in all: excluded / (analysed tissue + excluded in all) */
  excludedPct: PerCauseAndAny(z.number().min(0).max(100)),
  /** tissue excluded in all, mm² (not in the slide's tissue area) */
  excludedMm2: z.number().nonnegative(),
  /** the causes that were looked for (params.qc.causes) */
  causes: z.array(QcCauseId),
});
export type QcSummary = z.infer<typeof QcSummary>;

/** Run-length code of a 0/1 block mask (BlockMaskRle). */
export function encodeBlockMask(mask: ArrayLike<number>): string {
  const runs: number[] = [];
  let want = 0;
  let run = 0;
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i] ? 1 : 0;
    if (v === want) run++;
    else {
      runs.push(run);
      want = v;
      run = 1;
    }
  }
  if (want === 1) runs.push(run);
  return runs.length === 0 ? '' : runs.join(',');
}

/** The 0/1 mask of `length` blocks a BlockMaskRle codes; a code longer than the mask is an error. */
export function decodeBlockMask(code: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (code === '') return out;
  let at = 0;
  let set = false;
  for (const part of code.split(',')) {
    const n = Number(part);
    if (at + n > length) throw new RangeError(`block mask code covers ${at + n} blocks but the grid has ${length}`);
    if (set) out.fill(1, at, at + n);
    at += n;
    set = !set;
  }
  return out;
}
