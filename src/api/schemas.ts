import { ReviewState } from '../domain/review-state.js';
import { z } from 'zod';
import { AnalysisParamsOverrides } from '../domain/params.js';
import { SCORE_FIELDS, slideScoreKey } from '../domain/score-fields.js';
import { QcSummary } from '../domain/qc.js';
import { SlideScores } from '../domain/scores.js';
import { BiopsyKey, MarkerLabel, TimepointLabel } from '../domain/names.js';
import { SlideMetadata } from '../domain/slide.js';
import { Pseudonym } from '../domain/patient.js';
import { MarkerScores } from '../score/marker-scores.js';
import { Sha256Hex } from '../store/inputs.js';
import { Role } from '../store/token-store.js';

/** Request and response shapes of the HTTP API; the OpenAPI document is generated from these. */

export const SlideEntry = SlideMetadata.extend({
  /** relative to SLIDES_ROOT (or absolute inside it) */
  file: z.string().min(1).max(4096),
}).strict();

export const SubmitBody = z
  .object({
    slides: z.array(SlideEntry).min(1).max(10_000),
    /** overrides of the analysis parameters; each slide's marker settings fill in the rest */
    params: AnalysisParamsOverrides.optional(),
  })
  .strict();
export type SubmitBody = z.infer<typeof SubmitBody>;

/** The `metadata` field of a multipart upload: entries name uploaded files by their file name. */
export const UploadMetadata = z
  .object({
    slides: z.array(SlideEntry).default([]),
    params: AnalysisParamsOverrides.optional(),
  })
  .strict();

/** A file of an uploaded slide: its name within the slide and the SHA-256 its verified upload had. */
export const UploadedFile = z
  .object({
    path: z.string().min(1).max(500).describe('"a.tif", or "series/level-0.dcm" for a file of a folder slide'),
    sha256: Sha256Hex,
  })
  .strict();

/**
 * A slide of a batch from the submission page: one under SLIDES_ROOT (`file`) or one uploaded
 * (`files`, each verified by POST /uploads/{id}/verify), with the same metadata as everywhere.
 */
export const BrowserSlideEntry = SlideMetadata.extend({
  file: z.string().min(1).max(4096).optional().describe('a slide under SLIDES_ROOT (relative to it)'),
  files: z.array(UploadedFile).min(1).max(10_000).optional().describe('the verified files of an uploaded slide'),
})
  .strict()
  .refine((e) => (e.file === undefined) !== (e.files === undefined), 'give either file (a slide under SLIDES_ROOT) or files (an uploaded slide), one of the two');

export const BrowserSubmitBody = z
  .object({
    slides: z.array(BrowserSlideEntry).min(1).max(10_000),
    params: AnalysisParamsOverrides.optional(),
  })
  .strict();

export const BatchId = z.object({ id: z.coerce.number().int().positive() });
export const SlideId = z.object({ id: z.coerce.number().int().positive() });

export const BatchSlideJson = z.object({
  id: z.number().int(),
  path: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  error: z.string().nullable(),
  code: z.string().nullable(),
  analysisId: z.number().int().nullable(),
  tilesDone: z.number().int(),
  tilesTotal: z.number().int().nullable().describe('null until the slide is planned'),
});

export const BatchStatusName = z.enum(['queued', 'running', 'done', 'partial', 'failed']);

export const BatchJson = z.object({
  id: z.number().int(),
  status: BatchStatusName,
  createdBy: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  slides: z.array(BatchSlideJson),
});
export type BatchJson = z.infer<typeof BatchJson>;

export const BatchSummaryJson = z.object({
  id: z.number().int(),
  status: BatchStatusName,
  createdBy: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  slides: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
});

export const Submitted = z.object({ batchId: z.number().int(), slides: z.number().int() });

/** `?signedOff=true`: only analyses whose review is signed off, with their scores as signed. */
export const SignedOffFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'))
  .describe('true: only signed-off analyses (their scores as signed)');

export const ScoreQuery = z
  .object({
    /** a filter is held to the pseudonym rule too: a name never travels in a URL (nor lands in a log) */
    patient: Pseudonym.optional(),
    /** any spelling of a marker or timepoint finds the slides stored under its canonical name */
    marker: MarkerLabel.optional(),
    timepoint: TimepointLabel.optional(),
    slide: z.coerce.number().int().positive().optional(),
    /** `<patient>:<timepoint>`: one biopsy is one patient's sample at one timepoint */
    biopsy: BiopsyKey.optional(),
    format: z.enum(['json', 'csv']).default('json'),
    signedOff: SignedOffFlag,
  })
  .strict();

/** SlideScores with each field's unit, meaning and CSV column from the score fields table, for the OpenAPI document. */
const DescribedSlideScores = SlideScores.extend(
  Object.fromEntries(
    SCORE_FIELDS.flatMap((f) => {
      const key = slideScoreKey(f) as keyof SlideScores | undefined;
      if (!key) return [];
      const described = SlideScores.shape[key].describe(`${f.description} (${f.unit}); CSV column ${f.csv}; only on slides whose marker runs the '${f.scorer}' scorer`);
      // 'area' runs for every marker; the others only for the markers that run them (absent otherwise)
      return [[key, f.scorer === 'area' ? described : described.optional()]];
    }),
  ),
) as unknown as typeof SlideScores;

export const ScoreJson = z.object({
  analysisId: z.number().int(),
  slideId: z.number().int(),
  path: z.string(),
  sha256: z.string(),
  format: z.string(),
  patient: z.string().nullable(),
  timepoint: z.string().nullable(),
  marker: z.string().nullable(),
  biopsy: z.string().nullable().describe('<patient>:<timepoint>'),
  slideMppUm: z.number(),
  mppSource: z.string(),
  analysisMppUm: z.number(),
  level: z.number().int(),
  paramsHash: z.string(),
  params: z.record(z.string(), z.unknown()),
  stain: z.record(z.string(), z.unknown()),
  codeVersion: z.string(),
  modelId: z.string().nullable(),
  computedAt: z.string().describe('ISO 8601'),
  scores: DescribedSlideScores,
  markerScores: MarkerScores.nullable().describe("the muscle-specific scores the slide's marker runs (CD163, infiltrates, IL-1, MHC-I); null when none were computed"),
  qc: QcSummary.nullable().describe('automatic quality control: % of tissue excluded from every score per cause and in all, and the verdict (ok / review / fail); null when QC did not run'),
  reviewState: ReviewState.describe("the pathologist's review: analysed, in_review or signed_off; a signed-off analysis's scores are the scores as signed"),
  reviewVersion: z.number().int().nonnegative().describe('0 while analysed; the signed version when signed off; the version in progress otherwise'),
  corrections: z.number().int().nonnegative().describe("the pathologist's corrections in effect in these scores (n corrections)"),
});
export type ScoreJson = z.infer<typeof ScoreJson>;

export const CreateTokenBody = z.object({ role: Role, name: z.string().trim().min(1).max(100) }).strict();
export const CreatedToken = z.object({ id: z.number().int(), role: Role, token: z.string().describe('shown once; only its hash is stored') });
export const TokenJson = z.object({
  id: z.number().int(),
  name: z.string(),
  role: Role,
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export const TokenId = z.object({ id: z.coerce.number().int().positive() });

export const Problem = z.object({ statusCode: z.number().int(), error: z.string(), message: z.string() });

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.string().describe('"ok" or the error')),
});
