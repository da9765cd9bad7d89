import type { FlowProducer, Job } from 'bullmq';
import type { Config } from '../src/runtime/config.js';
import type { TileExecutor } from '../src/pipeline/executor.js';
import { prepareSlide } from '../src/pipeline/prepare-slide.js';
import { buildSlideFlow } from '../src/queue/flow.js';
import { PlanSlideJob } from '../src/queue/payloads.js';
import { tileBatchSize } from '../src/queue/policy.js';
import type { BatchStore } from '../src/store/batch-store.js';
import type { Store } from '../src/store/store.js';
import { badPayload, failSlideJob } from './slide-failure.js';

export interface PlanSlideDeps {
  store: Store;
  batches: BatchStore;
  flows: FlowProducer;
  config: Pick<Config, 'TILE_BATCH_SIZE' | 'WORKER_CONCURRENCY'>;
  /** opens and plans slides on the tile threads, under the slide budget; absent = this thread */
  executor?: Pick<TileExecutor, 'read'>;
}

export type PlanOutcome =
  | { planned: true; analysisId: number; tiles: number; jobs: number }
  | { planned: false; analysisId?: number; reason: string };

/**
 * plan-slide: open the slide, plan it and register its analysis (prepareSlide, the same code
 * embedded mode runs), then add the slide's flow. A slide already analysed with the same
 * parameters and code is marked done from the stored analysis without running again; one that
 * another batch is analysing right now joins that run (issue 14): analysed once, reported by both.
 */
export function planSlideProcessor(deps: PlanSlideDeps) {
  return async (job: Job): Promise<PlanOutcome> => {
    const parsed = PlanSlideJob.safeParse(job.data);
    if (!parsed.success) throw badPayload(job, parsed.error.message);
    const { batchSlideId, slidePath, metadata, params } = parsed.data;

    // a duplicate of this job (retried after its flow was added, or recovered from a dead
    // worker) must not begin the analysis again: that would wipe the tiles saved so far
    const row = await deps.batches.getSlide(batchSlideId);
    if (!row) return { planned: false, reason: `batch slide ${batchSlideId} no longer exists` };
    if (row.status === 'done' || row.status === 'failed') return { planned: false, reason: `already ${row.status}` };

    await deps.batches.markRunning(batchSlideId);
    let analysisId: number | undefined;
    try {
      const prepared = await prepareSlide({
        path: slidePath,
        metadata,
        params,
        store: deps.store,
        batchSize: (tileCount) => tileBatchSize(tileCount, deps.config),
        findDone: (slideId, hash, codeVersion) => deps.batches.findDoneAnalysis(slideId, hash, codeVersion),
        joinRunning: true,
        ...(deps.executor ? { read: deps.executor.read } : {}),
      });
      analysisId = prepared.analysisId as number;
      if (prepared.alreadyDone) {
        await deps.batches.markDone(batchSlideId, analysisId);
        return { planned: false, analysisId, reason: 'already analysed with these parameters and code' };
      }
      await deps.batches.markRunning(batchSlideId, analysisId);
      const { plan, stains, jobs } = prepared;
      // the flow is named by the analysis run: for a run another batch (or an earlier try of this
      // job) began, adding it again changes nothing, and that run's aggregate settles this slide too
      await buildSlideFlow(deps.flows, {
        aggregate: {
          batchSlideId,
          analysisId,
          runStartedMs: prepared.startedAt!.getTime(),
          slidePath,
          metadata,
          params: prepared.params,
          level: plan.level.index,
          mpp: plan.level.mpp,
          stain: { ...stains.matrix },
          i0: stains.i0,
          tileCount: plan.tiles.length,
        },
        jobs,
      });
      if (prepared.joined) {
        // the shared run may have finished before this slide was linked to it (just above): settle from it now
        await deps.batches.settleAnalysisSlides(analysisId);
        return { planned: false, analysisId, reason: 'joined the run of this slide another batch began' };
      }
      return { planned: true, analysisId, tiles: plan.tiles.length, jobs: jobs.length };
    } catch (err) {
      return failSlideJob(job, deps, { batchSlideId, path: slidePath, metadata, analysisId }, err);
    }
  };
}
