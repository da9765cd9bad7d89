import { z } from 'zod';
import { IlluminationSummary } from '../domain/illumination.js';
import { MarkerLabel, TimepointLabel } from '../domain/names.js';
import { AnalysisParams } from '../domain/params.js';
import { QcReference } from '../domain/qc.js';
import { SlideFormat, SlideMetadata } from '../domain/slide.js';

/** Zod schemas for what crosses into the store; the store parses every input with these. */

const Id = z.number().int().positive();
/** readonly so a StainMatrix (readonly Vec3 rows) is accepted as it is */
const Vec3 = z.tuple([z.number(), z.number(), z.number()]).readonly();

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

export const SlideInput = z.object({
  sha256: Sha256Hex,
  path: z.string().min(1),
  format: SlideFormat,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** level-0 µm/px */
  mpp: z.number().positive(),
  mppSource: z.enum(['file', 'metadata']),
  /** which reader opened it (src/slide/types.ts SlideBackend) */
  backend: z.enum(['builtin', 'openslide', 'dicom']).optional(),
  /** scanner vendor/model the file names */
  vendor: z.string().max(200).optional(),
  metadata: SlideMetadata,
});
export type SlideInput = z.input<typeof SlideInput>;

/** Stain vectors as used (a StainMatrix), plus why they were chosen when that is not obvious. */
export const StainRecord = z.object({
  hematoxylin: Vec3,
  dab: Vec3,
  residual: Vec3,
  source: z.enum(['default', 'macenko', 'custom']),
  /** background intensity used for optical density: one value or per RGB channel */
  i0: z.union([z.number(), z.tuple([z.number(), z.number(), z.number()]).readonly()]).optional(),
  /** e.g. "Macenko estimate degenerate; H-DAB defaults used" */
  note: z.string().optional(),
  /** flat field and glass: whether glass anchored I0, the illumination range corrected (issue 10) */
  illumination: IlluminationSummary.optional(),
  /** with quality control: the slide's focus and fold references the tiles were judged against (issue 10) */
  qcReference: QcReference.optional(),
});
export type StainRecord = z.infer<typeof StainRecord>;

export const AnalysisInput = z.object({
  slideId: Id,
  /** paramsHash(params) of the resolved parameters; checked */
  paramsHash: z.string().min(1),
  params: AnalysisParams,
  stain: StainRecord,
  codeVersion: z.string().min(1),
  modelId: z.string().min(1).nullish(),
  /** µm/px of the level analysed */
  mpp: z.number().positive(),
  level: z.number().int().nonnegative(),
  /** tiles that will be saved; finishAnalysis requires all of them */
  tilesTotal: z.number().int().nonnegative(),
});
export type AnalysisInput = z.input<typeof AnalysisInput>;

export const SlideFailureInput = z.object({
  path: z.string().min(1),
  error: z.string().min(1),
  /** stable error code, e.g. SLIDE_FORMAT */
  code: z.string().min(1).optional(),
  metadata: SlideMetadata.default({}),
});
export type SlideFailureInput = z.input<typeof SlideFailureInput>;

export const ScoreFilter = z
  .object({
    patient: z.string().min(1).optional(),
    /** any spelling: slides are stored under canonical names, so the filter is made canonical too */
    marker: MarkerLabel.optional(),
    timepoint: TimepointLabel.optional(),
    slideId: Id.optional(),
    paramsHash: z.string().min(1).optional(),
    codeVersion: z.string().min(1).optional(),
    /** only analyses whose review is signed off (issue 12); their rows carry the scores as signed */
    signedOff: z.boolean().optional(),
  })
  .strict();
export type ScoreFilter = z.input<typeof ScoreFilter>;

export const AnalysisId = Id;
