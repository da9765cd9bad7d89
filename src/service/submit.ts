/**
 * Service mode, the two calls the HTTP API and the CLI make (signatures kept stable):
 *
 *   submitBatch(deps: { batches: BatchStore; flows: FlowProducer; config: { SLIDES_ROOT } },
 *               request: { slides: { path: string; metadata: SlideMetadata }[]; createdBy: string;
 *                          params?: AnalysisParamsInput })
 *     → Promise<{ batchId: number }>
 *   Records the batch (every slide 'queued') and queues one plan-slide job per slide, then
 *   returns at once: opening and planning a slide happen in a worker, so a bad slide fails
 *   there, alone, with its error on its batch_slides row. Relative paths are taken under
 *   SLIDES_ROOT; checking that a path may be read (inside SLIDES_ROOT) is the caller's job.
 *   Throws MetadataError for a malformed request.
 *
 *   getBatch(deps: { batches: BatchStore }, batchId: number) → Promise<BatchView | undefined>
 *   { id, createdBy, createdAt, paramsHash, status: 'queued'|'running'|'done'|'partial'|'failed',
 *     slides: [{ id, position, path, metadata, status: 'queued'|'running'|'done'|'failed',
 *                error, code, analysisId, tilesDone, tilesTotal, updatedAt }] }
 *   (BatchStore.listBatches(createdBy?) gives the same views, newest first.)
 *
 * openService(config) (src/service/open-service.ts) builds deps that fit both.
 */
import path from 'node:path';
import type { FlowProducer } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../runtime/config.js';
import { errorMessage, MetadataError } from '../errors/index.js';
import { paramsForMarker } from '../domain/marker.js';
import { AnalysisParamsOverrides, resolveParams, type AnalysisParamsInput } from '../domain/params.js';
import { SlideMetadata } from '../domain/slide.js';
import { planSlideFlow } from '../queue/flow.js';
import type { BatchStore, BatchView } from '../store/batch-store.js';

export const BatchRequest = z.object({
  slides: z.array(z.object({ path: z.string().min(1), metadata: SlideMetadata.prefault({}) })).min(1, 'a batch needs at least one slide'),
  createdBy: z.string().trim().min(1),
  /** the user's overrides, kept as given: each slide's marker settings go under them */
  params: AnalysisParamsOverrides.default({}),
});
export type BatchRequest = z.input<typeof BatchRequest>;

export interface SubmitDeps {
  batches: BatchStore;
  flows: FlowProducer;
  config: Pick<Config, 'SLIDES_ROOT'>;
}

export async function submitBatch(deps: SubmitDeps, request: BatchRequest): Promise<{ batchId: number }> {
  const parsed = BatchRequest.safeParse(request);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
    throw new MetadataError(`batch refused: ${detail}`);
  }
  const { createdBy } = parsed.data;
  const overrides = parsed.data.params as AnalysisParamsInput;
  // each slide's parameters as embedded mode resolves them (run-slides.ts): defaults < marker < user
  const slides = parsed.data.slides.map((s) => ({
    path: path.resolve(deps.config.SLIDES_ROOT, s.path),
    metadata: s.metadata,
    params: paramsForMarker(s.metadata.marker, overrides),
  }));
  // the batch keeps the request's parameters before any marker's settings; each analysis stores its own
  const { batchId, slideIds } = await deps.batches.createBatch({ createdBy, params: resolveParams(overrides), slides });
  try {
    await deps.flows.addBulk(slideIds.map((id, i) => planSlideFlow({ batchSlideId: id, slidePath: slides[i].path, metadata: slides[i].metadata, params: slides[i].params })));
  } catch (err) {
    // nothing will ever run these slides: say so on them rather than leave them queued for ever
    const message = `could not queue the slide: ${errorMessage(err)}`;
    await Promise.allSettled(slideIds.map((id) => deps.batches.markFailed(id, message, 'QUEUE')));
    throw err;
  }
  return { batchId };
}

export function getBatch(deps: { batches: BatchStore }, batchId: number): Promise<BatchView | undefined> {
  return deps.batches.getBatch(batchId);
}
