import { UnrecoverableError, type Job } from 'bullmq';
import type { SlideMetadata } from '../src/domain/slide.js';
import { storeFailure, toFailure } from '../src/pipeline/analyse-slide.js';
import { isLastAttempt, isPermanent } from '../src/queue/policy.js';
import type { BatchStore } from '../src/store/batch-store.js';
import type { Store } from '../src/store/store.js';

export interface FailureDeps {
  store: Store;
  batches: BatchStore;
}

export interface FailedSlide {
  batchSlideId: number;
  path: string;
  metadata: SlideMetadata;
  analysisId?: number;
}

/**
 * What a processor does with an error. A bad slide fails at once (retrying cannot fix its
 * bytes); anything else is retried with backoff until the last attempt. A failure that is final
 * is written where the user looks, the analysis (or failures) row and the batch slide, exactly as
 * embedded mode writes it, before BullMQ is told. Always throws.
 */
export async function failSlideJob(job: Job, deps: FailureDeps, slide: FailedSlide, err: unknown): Promise<never> {
  const permanent = isPermanent(err);
  if (!permanent && !isLastAttempt(job)) throw err;
  const failure = toFailure(slide.path, err);
  // a slide already settled (a sibling tile batch failed first) keeps the first, real error
  const row = await deps.batches.getSlide(slide.batchSlideId);
  if (row && (row.status === 'queued' || row.status === 'running')) {
    await storeFailure(deps.store, slide, failure);
    await deps.batches.markFailed(slide.batchSlideId, failure.error, failure.code);
  }
  // batches sharing the run fail with it (the analysis row now says failed)
  if (slide.analysisId !== undefined) await deps.batches.settleAnalysisSlides(slide.analysisId);
  throw permanent ? new UnrecoverableError(failure.error) : err;
}

/** A payload that does not parse is a bug in whoever queued it; retrying cannot fix it. */
export function badPayload(job: Job, detail: string): UnrecoverableError {
  return new UnrecoverableError(`job ${job.name} ${job.id}: malformed payload: ${detail}`);
}
