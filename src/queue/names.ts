/**
 * Queue and job names. Every queue key in Redis starts with the configured QUEUE_PREFIX, so
 * deployments (and test runs) sharing one Redis never see each other's jobs.
 *
 * SLIDES carries the per-slide jobs (plan-slide, then the aggregate-slide parent of a flow);
 * TILES carries the children, one batch of tiles each. Two queues so a worker can give tile
 * batches its CPU threads while slide jobs, which are mostly waiting on I/O, run beside them.
 */
export const SLIDES_QUEUE = 'slides';
export const TILES_QUEUE = 'tiles';

export const PLAN_SLIDE = 'plan-slide';
export const AGGREGATE_SLIDE = 'aggregate-slide';
export const ANALYSE_TILES = 'analyse-tiles';

// Deterministic job ids make adding the same work twice a no-op (BullMQ keeps one job per id).
// BullMQ refuses ids that are plain integers or contain ':', hence the word prefixes.

export function planJobId(batchSlideId: number): string {
  return `plan-${batchSlideId}`;
}

/**
 * One flow per analysis run (its id and when it began): two batches that submit the same slide
 * share the run, so the second plan adding the flow again is a no-op, as is a retried plan job;
 * a re-run of the same analysis begins anew and gets new jobs.
 */
export function aggregateJobId(analysisId: number, runStartedMs: number): string {
  return `aggregate-a${analysisId}-t${runStartedMs}`;
}

/** a tile batch is named by its analysis run and first tile, unique within the flow */
export function tileBatchJobId(analysisId: number, runStartedMs: number, firstTileId: number): string {
  return `tiles-a${analysisId}-t${runStartedMs}-${firstTileId}`;
}
