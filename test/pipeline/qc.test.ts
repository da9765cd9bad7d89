import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TileBatchJob } from '../../src/domain/job.js';
import { resolveParams, type AnalysisParamsInput } from '../../src/domain/params.js';
import { analyseSlide, type SlideSuccess } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { prepareSlide } from '../../src/pipeline/prepare-slide.js';
import { readSlide, type SlideReadRequest } from '../../src/pipeline/read-slide.js';
import { analyseTileBatch } from '../../src/pipeline/analyse-tile-batch.js';
import { precomputedQcOf, withPrecomputedQc } from '../../src/pipeline/qc-precomputed.js';
import { scoreSlide } from '../../src/score/score-slide.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { inArcBand, type ArcBand } from '../../src/synthetic/realism/geometry.js';
import { makeScene, type Scene } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';

/**
 * Quality control wired through the pipeline (issue 10 point 4): a cell slide with one planted pen
 * stroke, analysed with QC off and with QC on. Only the pen cause is looked for: the other
 * detectors still flag several % of clean tissue (focus mostly, see params.qc), which is theirs
 * to fix and would blur what this test checks, that flagged blocks leave every count.
 * Seed 32: the Macenko estimate stays on the planted hematoxylin (on seed 31 a wider black stroke
 * pulls the estimated hematoxylin vector onto the ink, after which ordinary tissue reads as off the
 * H-DAB plane and pen flags 31 % of it: a stain-estimation problem QC cannot fix from inside).
 */
const SEED = 32;
const SIZE = 1400;
const PEN_ONLY: AnalysisParamsInput = { qc: { enabled: true, causes: ['pen'] } };
let dir: string;
let file: string;
let scene: Scene;
let store: SqlStore;
let off: SlideSuccess;
let on: SlideSuccess;
let forced: SlideSuccess;

async function run(params: AnalysisParamsInput, withStore = false): Promise<SlideSuccess> {
  const executor = inlineExecutor();
  try {
    const o = await analyseSlide({ path: file, params: resolveParams(params), executor, store: withStore ? store : undefined });
    if (!o.ok) throw new Error(o.error);
    return o;
  } finally {
    await executor.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-qc-pipeline-'));
  file = path.join(dir, 'pen.tif');
  scene = makeScene({ seed: SEED, width: SIZE, height: SIZE, realism: { artefacts: { pen: 1 } } });
  await writeSyntheticSlide(scene, file, 'pyramidal-tiff');
  store = await openPgliteStore({ inMemory: true });
  off = await run({ qc: { enabled: false } });
  on = await run(PEN_ONLY, true);
  forced = await run({ qc: { ...PEN_ONLY.qc, reviewPct: 2 } });
}, 300_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const band = (): ArcBand => scene.realism!.pens[0].band;
/** the band narrowed by `px` on each side: what lies deep inside the stroke */
const inside = (x: number, y: number, px = 0): boolean => inArcBand({ ...band(), halfWidth: band().halfWidth - px }, x, y);
const widened = (x: number, y: number, px: number): boolean => inArcBand({ ...band(), halfWidth: band().halfWidth + px }, x, y);

describe('QC in the pipeline: a pen stroke', () => {
  it('QC off reports no QC; QC on excludes the tissue under the pen, and analysed + excluded is the tissue QC off saw', () => {
    expect(off.qc).toBeNull();
    const [a, b] = [on.provenance.stain.hematoxylin, scene.stain.hematoxylin];
    const cos = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Math.hypot(...a) * Math.hypot(...b));
    expect((Math.acos(Math.min(1, cos)) * 180) / Math.PI, 'estimated vs planted hematoxylin, degrees').toBeLessThan(5);
    const qc = on.qc!;
    expect(qc.causes).toEqual(['pen']);
    expect(on.scores.tissueAreaMm2).toBeLessThan(off.scores.tissueAreaMm2);
    // the same tissue rule on the same pixels: every pixel is either analysed or excluded
    expect(on.scores.tissueAreaMm2 + qc.excludedMm2).toBeCloseTo(off.scores.tissueAreaMm2, 10);
    expect(qc.excludedPct.any).toBeCloseTo(qc.excludedPct.pen, 10);
    for (const c of ['focus', 'fold', 'ice', 'bubble'] as const) expect(qc.excludedPct[c]).toBe(0);
  });

  it('excludes about the pen area from truth: at least 90 % of the inked tissue, at most the stroke grown by one QC block', () => {
    const truth = truthOf(scene).realism!.artefacts.find((a) => a.type === 'pen')!;
    const blockUm = resolveParams(PEN_ONLY).qc.blockUm;
    // blocks are whole: one that the stroke's edge crosses (≥ penBlockFraction inked) goes, so the
    // flagged area reaches at most one block beyond each edge along the stroke's length, and its two ends
    const lengthUm = band().r * band().span * scene.mpp;
    const upperMm2 = (truth.areaUm2 + 2 * lengthUm * blockUm + 4 * blockUm * blockUm) / 1e6;
    const lowerMm2 = (0.9 * truth.tissueAreaUm2) / 1e6;
    expect(on.qc!.excludedMm2).toBeGreaterThanOrEqual(lowerMm2);
    expect(on.qc!.excludedMm2).toBeLessThanOrEqual(upperMm2);
    // and as a share of the tissue (analysed + excluded = the tissue of the slide)
    const tissue = off.scores.tissueAreaMm2;
    expect(on.qc!.excludedPct.pen).toBeGreaterThanOrEqual((100 * lowerMm2) / tissue);
    expect(on.qc!.excludedPct.pen).toBeLessThanOrEqual((100 * upperMm2) / tissue);
    expect(on.qc!.verdict).toBe('ok');
  });

  it('counts no cell under the pen and every cell away from it', () => {
    const px = (d: { x: number; y: number }) => [d.x / scene.mpp, d.y / scene.mpp] as const;
    const block = resolveParams(PEN_ONLY).qc.blockUm / scene.mpp;
    const under = (o: SlideSuccess, shrink: number) => o.detections.filter((d) => inside(...px(d), shrink)).length;
    // ink reads as hematoxylin: QC off counts the stroke full of "cells" (truth has a handful there)
    expect(under(off, block)).toBeGreaterThan(truthOf(scene).cells.filter((c) => inside(...px(c), block)).length);
    expect(under(on, block)).toBe(0);
    // what QC keeps is what QC off found, untouched, and everything two blocks clear of the stroke is kept
    const key = (d: { x: number; y: number }) => `${d.x},${d.y}`;
    const offCells = new Set(off.detections.map(key));
    for (const d of on.detections) expect(offCells.has(key(d))).toBe(true);
    const far = off.detections.filter((d) => !widened(...px(d), 2 * block));
    const onCells = new Set(on.detections.map(key));
    expect(far.length).toBeGreaterThan(200);
    for (const d of far) expect(onCells.has(key(d))).toBe(true);
    expect(on.scores.cells).toBe(on.detections.length);
    expect(on.scores.cells).toBeLessThan(off.scores.cells);
  });

  it('marks the slide for review when more than reviewPct % is excluded', () => {
    expect(forced.qc!.excludedPct.any).toBeGreaterThan(2);
    expect(forced.qc!.verdict).toBe('review');
    expect(forced.scores).toEqual(on.scores);
  });
});

describe('QC is the same in embedded and service mode', () => {
  it('the plan (as the service plan job runs it) sends every tile job the references embedded mode stored', async () => {
    const ref = on.provenance.qcReference!;
    expect(ref.tiles).toBeGreaterThan(1);
    expect(ref.focusRatio).toBeGreaterThan(1);
    // folds not looked for (PEN_ONLY): no fold reference measured
    expect(ref.foldFloorOd).toBeNull();
    const analysis = await store.getAnalysis(on.analysisId!);
    expect(analysis!.stain.qcReference).toEqual(ref);
    const planned = await prepareSlide({ path: file, metadata: {}, params: resolveParams(PEN_ONLY), batchSize: () => 2 });
    expect(planned.jobs.length).toBeGreaterThan(1);
    // through JSON and the payload schema, as a BullMQ child job receives it
    for (const job of planned.jobs) expect(TileBatchJob.parse(JSON.parse(JSON.stringify(job))).qcReference).toEqual(ref);
  });

  it("the plan's QC of its reference tiles, handed to their jobs (embedded), gives the tile results the tiles compute themselves (service)", async () => {
    const planned = await prepareSlide({ path: file, metadata: {}, params: resolveParams(PEN_ONLY), batchSize: () => 2, keepQcTiles: true });
    expect(planned.qcTiles!.size).toBe(planned.qcReference!.tiles);
    let reused = 0;
    for (const job of planned.jobs) {
      const handed = withPrecomputedQc(job, planned.qcTiles);
      reused += precomputedQcOf(handed).size;
      expect(precomputedQcOf(job).size).toBe(0);
      expect(await analyseTileBatch(handed)).toEqual(await analyseTileBatch(JSON.parse(JSON.stringify(job))));
    }
    expect(reused).toBe(planned.qcTiles!.size);
    expect(() => precomputedQcOf({ qcPrecomputed: [[0, { blockUm: 8, blockPx: 16, stats: {}, masks: {} }]] })).toThrow();
  });

  it('the reference sample spread over several reads (a pool of threads) gives the one-read reference and the same QC of every reference tile', async () => {
    const params = resolveParams(PEN_ONLY);
    const one = await prepareSlide({ path: file, metadata: {}, params, batchSize: () => 2, keepQcTiles: true });
    const requests: { qcShare?: { index: number; of: number } }[] = [];
    const read = (req: SlideReadRequest) => {
      requests.push(req);
      return readSlide(req);
    };
    const spread = await prepareSlide({ path: file, metadata: {}, params, batchSize: () => 2, keepQcTiles: true, readers: 3, read });
    expect(one.qcReference!.tiles).toBeGreaterThanOrEqual(3);
    // the plan once, then three shares of the reference tiles
    expect(requests.map((r) => r.qcShare?.index)).toEqual([undefined, 0, 1, 2]);
    expect(spread.qcReference).toEqual(one.qcReference);
    expect([...spread.qcTiles!.keys()].sort((a, b) => a - b)).toEqual([...one.qcTiles!.keys()].sort((a, b) => a - b));
    for (const [id, r] of one.qcTiles!) expect(spread.qcTiles!.get(id)).toEqual(r);
  });

  it('scoring the stored, re-read tile results (the aggregate job) gives the in-memory scores and QC summary', async () => {
    const stored = await store.getTileResults(on.analysisId!);
    expect(stored.every((t) => t.qc !== undefined)).toBe(true);
    const analysis = await store.getAnalysis(on.analysisId!);
    const again = scoreSlide(stored, { mpp: analysis!.mpp, params: analysis!.params });
    expect(again).toEqual({ scores: on.scores, markerScores: on.markerScores, qc: on.qc });
    const [row] = await store.listScores({ slideId: analysis!.slideId });
    expect(row.qc).toEqual(on.qc);
    expect(row.scores.tissueAreaMm2).toBe(on.scores.tissueAreaMm2);
  });
});
