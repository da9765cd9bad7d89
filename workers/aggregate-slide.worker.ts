import type { Job } from 'bullmq';
import type { SlideScores } from '../src/domain/scores.js';
import { AggregateSlideJob } from '../src/queue/payloads.js';
import { scoreSlide } from '../src/score/score-slide.js';
import type { BatchStore } from '../src/store/batch-store.js';
import type { Store } from '../src/store/store.js';
import { badPayload, failSlideJob } from './slide-failure.js';

export interface AggregateSlideDeps {
  store: Store;
  batches: BatchStore;
}

/**
 * aggregate-slide, the parent of a slide's flow: BullMQ runs it once every tile batch child has
 * completed, i.e. every tile result is in the store. Scores come from the stored tiles with the
 * same scoreSlide embedded mode uses, so both modes give the same numbers.
 */
export function aggregateSlideProcessor(deps: AggregateSlideDeps) {
  return async (job: Job): Promise<SlideScores | { reason: string }> => {
    const parsed = AggregateSlideJob.safeParse(job.data);
    if (!parsed.success) throw badPayload(job, parsed.error.message);
    const { batchSlideId, analysisId, slidePath, metadata, params, mpp, tileCount } = parsed.data;
    try {
      const analysis = await deps.store.getAnalysis(analysisId);
      if (!analysis) throw new Error(`analysis ${analysisId} no longer exists`);
      if (analysis.status === 'done') {
        // a retry after the scores were stored: only the batch slide may be behind
        await deps.batches.markDone(batchSlideId, analysisId);
        await deps.batches.settleAnalysisSlides(analysisId);
        return { reason: 'already finished' };
      }
      const results = await deps.store.getTileResults(analysisId);
      if (results.length !== tileCount) {
        throw new Error(`${results.length} of ${tileCount} tiles are stored; the slide is not scored from part of it`);
      }
      const { scores, markerScores, qc } = scoreSlide(results, { mpp, marker: metadata.marker, params });
      await deps.store.finishAnalysis(analysisId, scores, markerScores ?? undefined, qc ?? undefined);
      await deps.batches.markDone(batchSlideId, analysisId);
      // every other batch that submitted this slide while it ran shares the run
      await deps.batches.settleAnalysisSlides(analysisId);
      return scores;
    } catch (err) {
      return failSlideJob(job, deps, { batchSlideId, path: slidePath, metadata, analysisId }, err);
    }
  };
}
