import { z } from 'zod';
import { StainMatrixSchema, TileBatchJob } from '../domain/job.js';
import { AnalysisParams } from '../domain/params.js';
import { SlideMetadata } from '../domain/slide.js';

const Id = z.number().int().positive();

/** First job of a slide: open it, plan the tiles, choose stains, then add the slide's flow. */
export const PlanSlideJob = z.object({
  batchSlideId: Id,
  slidePath: z.string().min(1),
  metadata: SlideMetadata,
  params: AnalysisParams,
});
export type PlanSlideJob = z.infer<typeof PlanSlideJob>;

/**
 * A child of a slide's flow: the same TileBatchJob the embedded pool runs (analyseTileBatch
 * parses it and ignores the extra keys), plus where its results go.
 */
export const QueuedTileBatch = TileBatchJob.extend({
  analysisId: Id,
  batchSlideId: Id,
});
export type QueuedTileBatch = z.infer<typeof QueuedTileBatch>;

/** The parent of a slide's flow: runs once every tile batch is saved, and scores the slide. */
export const AggregateSlideJob = z.object({
  /** the batch slide whose plan added the flow; every batch slide sharing the analysis is settled with it */
  batchSlideId: Id,
  analysisId: Id,
  /** when the analysis run began, epoch ms: with analysisId, names the flow's jobs */
  runStartedMs: z.number().int().nonnegative(),
  slidePath: z.string().min(1),
  metadata: SlideMetadata,
  params: AnalysisParams,
  level: z.number().int().nonnegative(),
  /** µm/px of the level analysed: tile pixels → mm² */
  mpp: z.number().positive(),
  stain: StainMatrixSchema,
  i0: TileBatchJob.shape.i0,
  /** tiles in the plan: the aggregate refuses to score fewer */
  tileCount: z.number().int().positive(),
});
export type AggregateSlideJob = z.infer<typeof AggregateSlideJob>;
