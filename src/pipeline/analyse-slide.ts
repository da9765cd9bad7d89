import type { Detection, FibreRecord, TileResult } from '../domain/detection.js';
import { BiopsyQuantError, errorMessage } from '../errors/index.js';
import type { AnalysisParams } from '../domain/params.js';
import type { IlluminationSummary } from '../domain/illumination.js';
import type { SlideScores } from '../domain/scores.js';
import type { QcReference, QcSummary, TileQc } from '../domain/qc.js';
import type { SlideMetadata } from '../domain/slide.js';
import type { MarkerScores } from '../score/marker-scores.js';
import { scoreSlide } from '../score/score-slide.js';
import type { I0 } from '../stain/od.js';
import type { StainMatrix } from '../stain/vectors.js';
import type { Store } from '../store/store.js';
import { modelIdFor } from '../detect/model-id.js';
import { ANALYSIS_VERSION } from '../domain/version.js';
import type { TileExecutor } from './executor.js';
import { guidedBatchSizes } from './plan-slide.js';
import { withPrecomputedQc } from './qc-precomputed.js';
import { prepareSlide, type SlideReaderInfo } from './prepare-slide.js';

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
  /** the marker's own scores (CD163, infiltrates, IL-1, MHC-I); null without a known marker */
  markerScores: MarkerScores | null;
  /** what quality control excluded and its verdict; null when QC was off (params.qc.enabled) */
  qc: QcSummary | null;
  /** with QC: each tile's excluded block masks (analysis-level px), in tile order; empty when QC was off */
  qcTiles: TileQc[];
  detections: Detection[];
  /** muscle analyses: the segmented fibres */
  fibres: FibreRecord[];
  provenance: {
    /** the slide's format, the reader that opened it and the scanner vendor/model it names (issue 11) */
    format: SlideReaderInfo['format'];
    backend: SlideReaderInfo['backend'];
    vendor?: string;
    level: number;
    mpp: number;
    tiles: number;
    stain: StainMatrix;
    i0: I0;
    stainNote?: string;
    /** flat field and glass (issue 10): whether glass anchored I0, the illumination range corrected */
    illumination: IlluminationSummary;
    /** with QC: the slide's focus and fold references the tiles were judged against */
    qcReference?: QcReference;
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
  const { path, executor, store } = input;
  const metadata = input.metadata ?? {};
  let analysisId: number | undefined;
  try {
    const prepared = await prepareSlide({
      path,
      metadata,
      params: input.params,
      store,
      batchSize: (tileCount) => guidedBatchSizes(tileCount, executor.concurrency),
      keepQcTiles: true,
      readers: executor.concurrency,
      read: (req) => executor.read(req),
    });
    const { plan, stains, jobs, params, paramsHash: hash } = prepared;
    analysisId = prepared.analysisId;

    let done = 0;
    input.onProgress?.(0, plan.tiles.length);
    // one failed batch fails the slide: its batches still queued are withdrawn, not left to hold the pool
    const withdraw = new AbortController();
    const perBatch = await Promise.all(
      jobs.map(async (job) => {
        const results = await executor.run(withPrecomputedQc(job, prepared.qcTiles), { signal: withdraw.signal }).catch((err: unknown) => {
          withdraw.abort();
          throw err;
        });
        if (store && analysisId !== undefined) await store.saveTileResults(analysisId, results);
        done += job.tiles.length;
        input.onProgress?.(done, plan.tiles.length);
        return results;
      }),
    );
    const results: TileResult[] = perBatch.flat().sort((a, b) => a.tileId - b.tileId);
    const { scores, markerScores, qc } = scoreSlide(results, { mpp: plan.level.mpp, marker: metadata.marker, params });
    if (store && analysisId !== undefined) await store.finishAnalysis(analysisId, scores, markerScores ?? undefined, qc ?? undefined);
    return {
      ok: true,
      path,
      analysisId,
      scores,
      markerScores,
      qc,
      qcTiles: results.flatMap((r) => (r.qc ? [r.qc] : [])),
      detections: results.flatMap((r) => r.detections),
      fibres: results.flatMap((r) => r.fibres ?? []),
      provenance: {
        ...prepared.reader,
        level: plan.level.index,
        mpp: plan.level.mpp,
        tiles: plan.tiles.length,
        stain: stains.matrix,
        i0: stains.i0,
        stainNote: stains.note,
        illumination: plan.illumination,
        ...(prepared.qcReference ? { qcReference: prepared.qcReference } : {}),
        paramsHash: hash,
        codeVersion: ANALYSIS_VERSION,
        modelId: modelIdFor(params),
      },
    };
  } catch (err) {
    const failure = toFailure(path, err);
    if (store) await storeFailure(store, { path, metadata, analysisId }, failure);
    return failure;
  }
}

/**
 * Keeps a slide's failure in the store: on its analysis when one was begun, else as a file that
 * could not be analysed. If even that fails, the message says so rather than losing the error.
 */
export async function storeFailure(
  store: Store,
  where: { path: string; metadata: SlideMetadata; analysisId?: number },
  failure: SlideFailure,
): Promise<void> {
  try {
    if (where.analysisId !== undefined) await store.failAnalysis(where.analysisId, failure.error, failure.code);
    else await store.recordSlideFailure({ path: where.path, error: failure.error, code: failure.code, metadata: where.metadata });
  } catch (storeErr) {
    failure.error += ` (and the failure could not be stored: ${errorMessage(storeErr)})`;
  }
}

/** A typed error keeps its code; anything else is INTERNAL. The message always names the file. */
export function toFailure(path: string, err: unknown): SlideFailure {
  const message = errorMessage(err);
  const code = err instanceof BiopsyQuantError ? err.code : 'INTERNAL';
  // typed errors already name the file; anything else gets the file name added
  const named = message.includes(path) ? message : `${path}: ${message}`;
  return { ok: false, path, code, error: named };
}
