import type { TileBatchJob } from '../domain/job.js';
import { findMarker } from '../domain/marker.js';
import { paramsHash, type AnalysisParams } from '../domain/params.js';
import type { SlideMetadata } from '../domain/slide.js';
import { filesSha256 } from '../store/fingerprint.js';
import type { BegunAnalysis, Store } from '../store/store.js';
import { modelIdFor } from '../detect/model-id.js';
import { ANALYSIS_VERSION } from '../domain/version.js';
import { chunk, chunkBySizes } from './batches.js';
import type { StainChoice } from './estimate-stains.js';
import type { SlidePlan } from './plan-slide.js';
import { readSlide, type SlideReaderInfo, type SlideReading, type SlideReadRequest } from './read-slide.js';
import type { QcReference } from '../domain/qc.js';
import { qcReference as qcReferenceOf, type QcTileResult } from '../detect/qc/index.js';
import { referenceTilesOf } from './qc-reference-sample.js';
import { rimCaptureRatio } from '../detect/rim-partial-volume.js';

export interface PrepareSlideInput {
  path: string;
  metadata: SlideMetadata;
  params: AnalysisParams;
  /** tiles per job, given the slide's tile count: one size for every job, or each job's size in turn */
  batchSize: (tileCount: number) => number | readonly number[];
  store?: Store;
  /**
   * A finished analysis of this slide, parameters and code, if the caller wants one reused
   * rather than run again (service mode); then no analysis is begun and no jobs are made.
   */
  findDone?: (slideId: number, paramsHash: string, codeVersion: string) => Promise<number | undefined>;
  /** service mode: share a run of this slide that another batch has running (Store.beginAnalysis) */
  joinRunning?: boolean;
  /** opens and plans the slide: a budgeted worker thread (executor.read) or, by default, this thread */
  read?: (req: SlideReadRequest) => Promise<SlideReading>;
  /**
   * keep the QC the plan computes for its reference tiles (PreparedSlide.qcTiles) for those tiles'
   * jobs: embedded mode, whose worker threads take typed arrays; never for BullMQ (JSON) jobs
   */
  keepQcTiles?: boolean;
  /**
   * Reads that may run at once (the executor's threads). With QC on and more than one, the plan is
   * read first and the reference tiles' QC is spread over that many reads, made into the slide's
   * reference here: in one read it is one thread's work while the others wait (a 10 000² muscle
   * section: ~6.5 s of its 8 s plan on one of two cores).
   */
  readers?: number;
}

export type { SlideReaderInfo } from './read-slide.js';

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
  /** with joinRunning: the analysis was already running for another batch (its jobs are these) */
  joined?: boolean;
  /** with a store: when the analysis run began (names its queue jobs) */
  startedAt?: Date;
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
  const read = input.read ?? readSlide;
  const request = { path, ...(metadata.mpp === undefined ? {} : { mpp: metadata.mpp }), params };
  // service mode looks for a finished analysis first: the QC references are read only if it needs them
  const lookFirst = store !== undefined && input.findDone !== undefined;
  const qcMode = input.keepQcTiles ? 'keep' : 'stats';
  const readers = params.qc.enabled ? Math.max(1, input.readers ?? 1) : 1;
  const reading = await read({ ...request, qc: lookFirst || readers > 1 ? 'none' : qcMode });
  const { reader, plan } = reading;
  const stains = withRimNote(reading.stains, plan.level.mpp, params);
  const hash = paramsHash(params);
  let slideId: number | undefined;
  if (store) {
    slideId = await store.upsertSlide({
      sha256: await filesSha256(reading.contentFiles),
      path,
      format: reader.format,
      width: reading.size.width,
      height: reading.size.height,
      mpp: reading.size.mpp,
      mppSource: reading.size.mppSource,
      backend: reader.backend,
      vendor: reader.vendor,
      metadata,
    });
    const done = await input.findDone?.(slideId, hash, ANALYSIS_VERSION);
    if (done !== undefined) return { reader, params, plan, stains, paramsHash: hash, analysisId: done, alreadyDone: true, jobs: [] };
  }
  const qc = params.qc.enabled && (lookFirst || readers > 1) ? await readQcReference(read, { ...request, qc: qcMode, planned: { plan, stains } }, readers) : reading;
  const qcReference = qc.qcReference;
  let begun: BegunAnalysis | undefined;
  if (store && slideId !== undefined) {
    begun = await store.beginAnalysis({
      slideId,
      paramsHash: hash,
      params,
      stain: { ...stains.matrix, i0: stains.i0, note: stains.note, illumination: plan.illumination, qcReference },
      codeVersion: ANALYSIS_VERSION,
      modelId: modelIdFor(params),
      mpp: plan.level.mpp,
      level: plan.level.index,
      tilesTotal: plan.tiles.length,
    }, { joinRunning: input.joinRunning === true });
  }
  const analysisId = begun?.analysisId;
  const sizes = input.batchSize(plan.tiles.length);
  const jobs: TileBatchJob[] = (typeof sizes === 'number' ? chunk(plan.tiles, sizes) : chunkBySizes(plan.tiles, sizes)).map((tiles) => ({
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
  return { reader, params, plan, stains, qcReference, ...(qc.qcTiles ? { qcTiles: qc.qcTiles } : {}), paramsHash: hash, analysisId, alreadyDone: false, ...(begun ? { joined: begun.joined, startedAt: begun.startedAt } : {}), jobs };
}

/**
 * A thin rim's DAB read on a coarse scan is corrected for its partial-volume loss
 * (params.rimPartialVolume: the median loss, or each tile's own), which only approximates a
 * slide's: said where the scores are stored, so nobody reads a 10× membrane H-score as a 20× one.
 */
function withRimNote(stains: StainChoice, mpp: number, params: AnalysisParams): StainChoice {
  const pv = params.rimPartialVolume;
  if (!pv.enabled) return stains;
  const ratio = rimCaptureRatio(mpp, pv);
  if (!(ratio < 1)) return stains;
  const how = pv.perTile.enabled
    ? `each tile's own loss in light, read from its stained rims (the median partial-volume loss of ${ratio.toFixed(2)} in light where a tile has fewer than ${pv.perTile.minCells})`
    : `the median partial-volume loss of ${ratio.toFixed(2)} in light`;
  const note = `the cytoplasm/membrane DAB was read at ${Number(mpp.toPrecision(3))} µm/px, coarser than the ${pv.referenceMpp} µm/px its grading is calibrated at, and corrected for ${how}; cell H-scores from such scans are approximate (held-out 1 µm/px slides: within 10 points of the truth on 7 of 9 stained ones, off by up to 25)`;
  return { ...stains, note: stains.note ? `${stains.note}; ${note}` : note };
}

/** The slide's QC reference read by up to `readers` reads at once, each the QC of a share of the reference tiles. */
async function readQcReference(read: (req: SlideReadRequest) => Promise<SlideReading>, req: SlideReadRequest & { planned: NonNullable<SlideReadRequest['planned']> }, readers: number): Promise<Pick<SlideReading, 'qcReference' | 'qcTiles'>> {
  const sampled = referenceTilesOf(req.planned.plan.tiles, req.params.qc.referenceTiles);
  const of = Math.min(readers, sampled.length);
  if (of <= 1) return read(req);
  const shares = await Promise.all(Array.from({ length: of }, (_, index) => read({ ...req, qcShare: { index, of } })));
  const byId = new Map(shares.flatMap((r) => r.qcShare ?? []));
  const results = sampled.map((t) => {
    const r = byId.get(t.id);
    if (!r) throw new Error(`${req.path}: the QC of reference tile ${t.id} did not come back from its read`);
    return r;
  });
  return { qcReference: qcReferenceOf(results, req.params.qc), ...(req.qc === 'keep' ? { qcTiles: byId } : {}) };
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
