import type { TileBatchJob } from '../domain/job.js';
import { findMarker } from '../domain/marker.js';
import { paramsHash, type AnalysisParams } from '../domain/params.js';
import type { SlideFormat, SlideMetadata } from '../domain/slide.js';
import type { SlideBackend } from '../slide/types.js';
import { openSlide } from '../slide/open.js';
import { filesSha256 } from '../store/fingerprint.js';
import type { Store } from '../store/store.js';
import { modelIdFor } from '../detect/model-id.js';
import { ANALYSIS_VERSION } from '../domain/version.js';
import { chunk } from './batches.js';
import { chooseStains, type StainChoice } from './estimate-stains.js';
import { planSlide, type SlidePlan } from './plan-slide.js';
import { sampleQcReference } from './qc-reference-sample.js';
import type { QcReference } from '../domain/qc.js';
import type { QcTileResult } from '../detect/qc/index.js';

export interface PrepareSlideInput {
  path: string;
  metadata: SlideMetadata;
  params: AnalysisParams;
  /** tiles per job, given the slide's tile count */
  batchSize: (tileCount: number) => number;
  store?: Store;
  /**
   * A finished analysis of this slide, parameters and code, if the caller wants one reused
   * rather than run again (service mode); then no analysis is begun and no jobs are made.
   */
  findDone?: (slideId: number, paramsHash: string, codeVersion: string) => Promise<number | undefined>;
  /**
   * keep the QC the plan computes for its reference tiles (PreparedSlide.qcTiles) for those tiles'
   * jobs: embedded mode, whose worker threads take typed arrays; never for BullMQ (JSON) jobs
   */
  keepQcTiles?: boolean;
}

/** Which reader opened the slide: stored with every score as provenance (issue 11). */
export interface SlideReaderInfo {
  format: SlideFormat;
  backend: SlideBackend;
  vendor?: string;
}

export interface PreparedSlide {
  reader: SlideReaderInfo;
  /** the parameters the slide is analysed with: the input's, with muscle analysis decided */
  params: AnalysisParams;
  plan: SlidePlan;
  stains: StainChoice;
  /** with params.qc.enabled: the slide's focus and fold references, sent with every tile job */
  qcReference?: QcReference;
  /** with keepQcTiles: the reference tiles' full QC by tile id (qc-precomputed.ts) */
  qcTiles?: Map<number, QcTileResult>;
  paramsHash: string;
  /** with a store: the analysis the tiles are saved under */
  analysisId?: number;
  /** true when findDone found a finished analysis (analysisId is that one, jobs is empty) */
  alreadyDone: boolean;
  jobs: TileBatchJob[];
}

/**
 * Everything before the tiles, shared by embedded mode (analyseSlide) and service mode (the
 * plan-slide job): open the slide, choose the level and tiles, choose stains, register the slide
 * and its analysis in the store, and cut the tiles into jobs.
 */
export async function prepareSlide(input: PrepareSlideInput): Promise<PreparedSlide> {
  const { path, metadata, store } = input;
  const params = withMuscleDecided(input.params, metadata.marker);
  const slide = await openSlide(path, metadata.mpp === undefined ? undefined : { mpp: metadata.mpp });
  try {
    const reader: SlideReaderInfo = { format: slide.format, backend: slide.backend, ...(slide.vendor ? { vendor: slide.vendor } : {}) };
    const plan = await planSlide(slide, params);
    const stains = await chooseStains(slide, plan, params);
    const hash = paramsHash(params);
    let slideId: number | undefined;
    if (store) {
      slideId = await store.upsertSlide({
        sha256: await filesSha256(slide.contentFiles ?? [path]),
        path,
        format: slide.format,
        width: slide.levels[0].width,
        height: slide.levels[0].height,
        mpp: slide.levels[0].mpp,
        mppSource: slide.mppSource,
        backend: slide.backend,
        vendor: slide.vendor,
        metadata,
      });
      const done = await input.findDone?.(slideId, hash, ANALYSIS_VERSION);
      if (done !== undefined) return { reader, params, plan, stains, paramsHash: hash, analysisId: done, alreadyDone: true, jobs: [] };
    }
    // read tiles for the QC references only for a slide that will be analysed
    const sample = params.qc.enabled ? await sampleQcReference(slide, plan, stains, params, { keepTiles: input.keepQcTiles === true }) : undefined;
    const qcReference = sample?.reference;
    let analysisId: number | undefined;
    if (store && slideId !== undefined) {
      ({ analysisId } = await store.beginAnalysis({
        slideId,
        paramsHash: hash,
        params,
        stain: { ...stains.matrix, i0: stains.i0, note: stains.note, illumination: plan.illumination, qcReference },
        codeVersion: ANALYSIS_VERSION,
        modelId: modelIdFor(params),
        mpp: plan.level.mpp,
        level: plan.level.index,
        tilesTotal: plan.tiles.length,
      }));
    }
    const jobs: TileBatchJob[] = chunk(plan.tiles, input.batchSize(plan.tiles.length)).map((tiles) => ({
      slidePath: path,
      metadataMpp: metadata.mpp,
      level: plan.level.index,
      mpp: plan.level.mpp,
      stain: { ...stains.matrix },
      i0: stains.i0,
      flatField: plan.flatField,
      i0Source: plan.illumination.i0Source,
      params,
      qcReference,
      tiles,
    }));
    return { reader, params, plan, stains, qcReference, ...(sample?.tiles ? { qcTiles: sample.tiles } : {}), paramsHash: hash, analysisId, alreadyDone: false, jobs };
  } finally {
    // tile jobs open the file themselves (a worker thread or another machine)
    await slide.close().catch(() => undefined);
  }
}

/**
 * Muscle analysis (params.muscle) unless the caller said otherwise: on for the study's markers
 * (all muscle stains in the registry), off for slides without one or with another. Decided before
 * hashing, so the stored parameters say what ran.
 */
export function withMuscleDecided(params: AnalysisParams, marker: string | undefined): AnalysisParams {
  if (params.muscle.enabled !== undefined) return params;
  const enabled = marker !== undefined && findMarker(marker) !== undefined;
  return { ...params, muscle: { ...params.muscle, enabled } };
}
