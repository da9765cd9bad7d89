import type { TileResult } from '../domain/detection.js';
import { TileBatchJob } from '../domain/job.js';
import { loadNucleusModel, type NucleusModel } from '../detect/model.js';
import { modelDirFor } from '../detect/model-id.js';
import { analyseTile } from './analyse-tile.js';
import { precomputedQcOf } from './qc-precomputed.js';
import { SlideCache } from './slide-cache.js';
import { stageClock } from '../runtime/stage-clock.js';
import { compileHotLoopsInline } from '../runtime/jit.js';

const slides = new SlideCache();

/**
 * The tile processor both modes call: BullMQ children in service mode, the worker-thread pool
 * in embedded mode. Reads each tile's region (core + overlap) and runs the pure analysis on it.
 */
export async function analyseTileBatch(payload: unknown): Promise<TileResult[]> {
  compileHotLoopsInline();
  const job = TileBatchJob.parse(payload);
  const qcDone = precomputedQcOf(payload);
  const slide = await slides.get(job.slidePath, job.metadataMpp);
  const model = job.params.detector === 'model' ? await sharedNucleusModel(modelDirFor(job.params)) : undefined;
  const results: TileResult[] = [];
  for (const tile of job.tiles) {
    const { x0, y0, x1, y1 } = tile.read;
    stageClock.start();
    const rgb = await slide.readRegion(job.level, x0, y0, x1 - x0, y1 - y0);
    stageClock.lap('tile read (decode)');
    results.push(analyseTile(rgb, tile, { mpp: job.mpp, stain: job.stain, i0: job.i0, flatField: job.flatField, i0Source: job.i0Source, params: job.params, model, qcReference: job.qcReference, qcTile: qcDone.get(tile.id) }));
  }
  return results;
}

const modelLoads = new Map<string, Promise<NucleusModel>>();

/** One model per folder (version) and thread, loaded on first use (tfjs-node when installed, else wasm). */
function sharedNucleusModel(dir: string): Promise<NucleusModel> {
  let load = modelLoads.get(dir);
  if (!load) {
    load = loadNucleusModel(dir).catch((err: unknown) => {
      modelLoads.delete(dir);
      throw err;
    });
    modelLoads.set(dir, load);
  }
  return load;
}

export function closeCachedSlides(): Promise<void> {
  return slides.closeAll();
}
