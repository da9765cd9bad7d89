import type { Job } from 'bullmq';
import type { TileResult } from '../src/domain/detection.js';
import type { TileExecutor } from '../src/pipeline/executor.js';
import { QueuedTileBatch } from '../src/queue/payloads.js';
import type { BatchStore } from '../src/store/batch-store.js';
import type { Store } from '../src/store/store.js';
import { badPayload, failSlideJob } from './slide-failure.js';

export interface TileBatchDeps {
  store: Store;
  batches: BatchStore;
  /** worker threads: the analysis must not block this process's event loop, which renews job locks */
  executor: Pick<TileExecutor, 'run'>;
}

export interface TileProgress {
  tilesDone: number;
  tilesTotal: number;
}

/**
 * analyse-tiles, a child of a slide's flow: runs analyseTileBatch (through the executor, the
 * same processor embedded mode runs) one tile at a time so progress is reported per tile, then
 * saves the batch in one transaction. saveTileResults upserts by (analysis, tile), so a retried
 * or duplicated job replaces its tiles and never double-counts.
 */
export function tileBatchProcessor(deps: TileBatchDeps) {
  return async (job: Job): Promise<{ tiles: number; cells: number }> => {
    const parsed = QueuedTileBatch.safeParse(job.data);
    if (!parsed.success) throw badPayload(job, parsed.error.message);
    const batch = parsed.data;
    const { analysisId, batchSlideId } = batch;
    // once the slide has failed (another batch of it failed for good) its other batches are moot
    const row = await deps.batches.getSlide(batchSlideId);
    if (!row || row.status === 'failed') return { tiles: 0, cells: 0 };
    try {
      const results: TileResult[] = [];
      for (const tile of batch.tiles) {
        results.push(...(await deps.executor.run({ ...batch, tiles: [tile] })));
        await job.updateProgress({ tilesDone: results.length, tilesTotal: batch.tiles.length } satisfies TileProgress);
      }
      await deps.store.saveTileResults(analysisId, results);
      return { tiles: results.length, cells: results.reduce((n, r) => n + r.detections.length, 0) };
    } catch (err) {
      return failSlideJob(job, deps, { batchSlideId, path: batch.slidePath, metadata: { mpp: batch.metadataMpp }, analysisId }, err);
    }
  };
}
