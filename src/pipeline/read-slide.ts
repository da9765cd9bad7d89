import type { AnalysisParams } from '../domain/params.js';
import type { QcReference } from '../domain/qc.js';
import type { QcTileResult } from '../detect/qc/index.js';
import type { SlideFormat } from '../domain/slide.js';
import { openSlide } from '../slide/open.js';
import type { SlideBackend } from '../slide/types.js';
import { chooseStains, type StainChoice } from './estimate-stains.js';
import { planSlide, type SlidePlan } from './plan-slide.js';
import { qcOfTiles, referenceShareOf, sampleQcReference } from './qc-reference-sample.js';
import { compileHotLoopsInline } from '../runtime/jit.js';

/** Which reader opened the slide: stored with every score as provenance (issue 11). */
export interface SlideReaderInfo {
  format: SlideFormat;
  backend: SlideBackend;
  vendor?: string;
}

export interface SlideReadRequest {
  path: string;
  /** the submitter's pixel size, µm/px, when the file has none */
  mpp?: number;
  /** muscle already decided (withMuscleDecided) */
  params: AnalysisParams;
  /**
   * The QC references (with params.qc.enabled): 'stats' reads the reference tiles' block
   * statistics, 'keep' also their full QC for those tiles' jobs (embedded mode), 'none' skips
   * them (service mode reads them only once it knows the slide needs analysing).
   */
  qc: 'none' | 'stats' | 'keep';
  /** a plan made by an earlier read of the same slide: only the QC references are read now */
  planned?: { plan: SlidePlan; stains: StainChoice };
  /**
   * only this share of the reference tiles (referenceShareOf), their QC returned as qcShare and no
   * reference made: prepareSlide spreads the sample over the pool's threads and makes it itself
   */
  qcShare?: { index: number; of: number };
}

/** Everything prepareSlide needs from the file: plain data, so it can come back from a worker thread. */
export interface SlideReading {
  reader: SlideReaderInfo;
  /** level 0 as the store registers it */
  size: { width: number; height: number; mpp: number; mppSource: 'file' | 'metadata' };
  /** the files whose bytes identify the slide (an MRXS folder's several) */
  contentFiles: string[];
  plan: SlidePlan;
  stains: StainChoice;
  qcReference?: QcReference;
  qcTiles?: Map<number, QcTileResult>;
  /** with a qcShare request: the QC of that share's tiles by tile id, in the reference order */
  qcShare?: [number, QcTileResult][];
}

/**
 * The reading half of preparing a slide: open it, choose the level and tiles, choose stains,
 * sample the QC references. Parsing a hostile file happens here, so this runs on a worker thread
 * under the slide's budget (executor.ts) wherever there is a pool.
 */
export async function readSlide(req: SlideReadRequest): Promise<SlideReading> {
  compileHotLoopsInline();
  const slide = await openSlide(req.path, req.mpp === undefined ? undefined : { mpp: req.mpp });
  try {
    const plan = req.planned?.plan ?? (await planSlide(slide, req.params));
    const stains = req.planned?.stains ?? (await chooseStains(slide, plan, req.params));
    const sampling = req.params.qc.enabled && req.qc !== 'none';
    const keepTiles = req.qc === 'keep';
    const shareTiles = sampling && req.qcShare ? referenceShareOf(plan.tiles, req.params.qc.referenceTiles, req.qcShare) : undefined;
    const share = shareTiles ? await qcOfTiles(slide, plan, stains, req.params, shareTiles, { keepTiles }) : undefined;
    const sample = sampling && !shareTiles ? await sampleQcReference(slide, plan, stains, req.params, { keepTiles }) : undefined;
    const level0 = slide.levels[0];
    return {
      reader: { format: slide.format, backend: slide.backend, ...(slide.vendor ? { vendor: slide.vendor } : {}) },
      size: { width: level0.width, height: level0.height, mpp: level0.mpp, mppSource: slide.mppSource },
      contentFiles: slide.contentFiles ?? [req.path],
      plan,
      stains,
      ...(sample ? { qcReference: sample.reference } : {}),
      ...(sample?.tiles ? { qcTiles: sample.tiles } : {}),
      ...(share && shareTiles ? { qcShare: shareTiles.map((t, i): [number, QcTileResult] => [t.id, share[i]]) } : {}),
    };
  } finally {
    await slide.close().catch(() => undefined);
  }
}
