import type { Detection, TileResult } from '../domain/detection.js';
import { BiopsyQuantError, errorMessage } from '../domain/errors.js';
import type { TileBatchJob } from '../domain/job.js';
import { paramsHash, type AnalysisParams } from '../domain/params.js';
import type { SlideScores } from '../domain/scores.js';
import type { SlideMetadata } from '../domain/slide.js';
import { aggregateTiles } from '../score/aggregate-slide.js';
import { openSlide } from '../slide/open.js';
import type { Slide } from '../slide/types.js';
import type { I0 } from '../stain/od.js';
import type { StainMatrix } from '../stain/vectors.js';
import { fileSha256 } from '../store/fingerprint.js';
import type { Store } from '../store/store.js';
import { ANALYSIS_VERSION, MODEL_ID_CLASSICAL } from '../version.js';
import { chunk } from './batches.js';
import { chooseStains } from './estimate-stains.js';
import type { TileExecutor } from './executor.js';
import { batchSizeFor, planSlide } from './plan-slide.js';

export interface AnalyseSlideInput {
  path: string;
  metadata?: SlideMetadata;
  params: AnalysisParams;
  executor: TileExecutor;
  store?: Store;
  /** tiles done / total, after each batch */
  onProgress?: (done: number, total: number) => void;
}

export interface SlideSuccess {
  ok: true;
  path: string;
  analysisId?: number;
  scores: SlideScores;
  detections: Detection[];
  provenance: {
    level: number;
    mpp: number;
    tiles: number;
    stain: StainMatrix;
    i0: I0;
    stainNote?: string;
    paramsHash: string;
    codeVersion: string;
    modelId: string;
  };
}

export interface SlideFailure {
  ok: false;
  path: string;
  code: string;
  error: string;
}

export type SlideOutcome = SlideSuccess | SlideFailure;

/**
 * One slide end to end. Never throws for a bad slide: the failure comes back (and is stored)
 * as that slide's outcome so the rest of a batch carries on.
 */
export async function analyseSlide(input: AnalyseSlideInput): Promise<SlideOutcome> {
  const { path, params, executor, store } = input;
  const metadata = input.metadata ?? {};
  let slide: Slide | undefined;
  let analysisId: number | undefined;
  try {
    slide = await openSlide(path, metadata.mpp === undefined ? undefined : { mpp: metadata.mpp });
    const plan = await planSlide(slide, params);
    const stains = await chooseStains(slide, plan, params);
    const hash = paramsHash(params);
    if (store) {
      const slideId = await store.upsertSlide({
        sha256: await fileSha256(path),
        path,
        format: slide.format,
        width: slide.levels[0].width,
        height: slide.levels[0].height,
        mpp: slide.levels[0].mpp,
        mppSource: slide.mppSource,
        metadata,
      });
      ({ analysisId } = await store.beginAnalysis({
        slideId,
        paramsHash: hash,
        params,
        stain: { ...stains.matrix, i0: stains.i0, note: stains.note },
        codeVersion: ANALYSIS_VERSION,
        modelId: MODEL_ID_CLASSICAL,
        mpp: plan.level.mpp,
        level: plan.level.index,
        tilesTotal: plan.tiles.length,
      }));
    }

    const jobs: TileBatchJob[] = chunk(plan.tiles, batchSizeFor(plan.tiles.length, executor.concurrency)).map((tiles) => ({
      slidePath: path,
      metadataMpp: metadata.mpp,
      level: plan.level.index,
      mpp: plan.level.mpp,
      stain: { ...stains.matrix },
      i0: stains.i0,
      params,
      tiles,
    }));
    let done = 0;
    input.onProgress?.(0, plan.tiles.length);
    const perBatch = await Promise.all(
      jobs.map(async (job) => {
        const results = await executor.run(job);
        if (store && analysisId !== undefined) await store.saveTileResults(analysisId, results);
        done += job.tiles.length;
        input.onProgress?.(done, plan.tiles.length);
        return results;
      }),
    );
    const results: TileResult[] = perBatch.flat().sort((a, b) => a.tileId - b.tileId);
    const scores = aggregateTiles(results, { mpp: plan.level.mpp });
    if (store && analysisId !== undefined) await store.finishAnalysis(analysisId, scores);
    return {
      ok: true,
      path,
      analysisId,
      scores,
      detections: results.flatMap((r) => r.detections),
      provenance: {
        level: plan.level.index,
        mpp: plan.level.mpp,
        tiles: plan.tiles.length,
        stain: stains.matrix,
        i0: stains.i0,
        stainNote: stains.note,
        paramsHash: hash,
        codeVersion: ANALYSIS_VERSION,
        modelId: MODEL_ID_CLASSICAL,
      },
    };
  } catch (err) {
    const failure = toFailure(path, err);
    if (store) {
      try {
        if (analysisId !== undefined) await store.failAnalysis(analysisId, failure.error);
        else await store.recordSlideFailure({ path, error: failure.error, metadata });
      } catch (storeErr) {
        failure.error += ` (and the failure could not be stored: ${errorMessage(storeErr)})`;
      }
    }
    return failure;
  } finally {
    await slide?.close().catch(() => undefined);
  }
}

function toFailure(path: string, err: unknown): SlideFailure {
  const message = errorMessage(err);
  const code = err instanceof BiopsyQuantError ? err.code : 'INTERNAL';
  // typed errors already name the file; anything else gets the file name added
  const named = message.includes(path) ? message : `${path}: ${message}`;
  return { ok: false, path, code, error: named };
}
