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

/** one parent per batch slide: a retried plan job finds its flow already added */
export function aggregateJobId(batchSlideId: number): string {
  return `aggregate-${batchSlideId}`;
}

/** a tile batch is named by its analysis and first tile, unique within the flow */
export function tileBatchJobId(batchSlideId: number, analysisId: number, firstTileId: number): string {
  return `tiles-${batchSlideId}-${analysisId}-${firstTileId}`;
}
