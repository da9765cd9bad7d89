import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { detectNucleiWithModel, loadNucleusModel, type NucleusModel } from '../../src/detect/model.js';
import { NUCLEUS_MODEL_DIR } from '../../src/detect/model-id.js';
import { matchCentroids } from '../../src/eval/match.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import { addCorrectionRescored } from '../../src/pipeline/review-analysis.js';
import { estimateBackground } from '../../src/stain/background.js';
import { deconvolve } from '../../src/stain/deconvolve.js';
import { estimateMacenko } from '../../src/stain/macenko.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { Store } from '../../src/store/store.js';
import { makeScene, renderRegion, truthOf, type Scene } from '../../src/synthetic/index.js';
import type { SceneOptionsInput } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { HELDOUT_STROMA } from '../../src/eval/detector-realism.js';
import { trainFromCorrections, type FromCorrectionsReport } from '../../src/train/from-corrections.js';

// Issue 15 acceptance: a systematic miss planted — pale (0.18–0.25 OD), large, often elongated
// nuclei (semi-axes 2.2–8 µm; the model trained on ≤ 6.5 µm) — corrected through the review API
// (50 missed cells added, false detections deleted) on tuning-seed slides, fine-tuned, and the
// miss rate measured on held-out slides of that kind before and after.
const PALE: SceneOptionsInput = { seed: 0, width: 768, height: 768, nucleusRadiusUm: [2.2, 8], nucleusHOd: [0.18, 0.25] };
const TRAIN_SEEDS = [81, 82, 83];
const CORRECTED_HELDOUT_SEED = 84;
const MATCH_UM = 4;
const ADDS = 50;

let dir: string;
let store: Store;
let executor: TileExecutor;
let report: FromCorrectionsReport;
let shippedSha: string;
let base: NucleusModel;
let tuned: NucleusModel;
let added = 0;

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Analyse a slide with the shipped model, then correct it through the review API as a pathologist would. */
async function analyseAndCorrect(scene: Scene, name: string, maxAdds: number): Promise<{ analysisId: number; adds: number }> {
  const file = path.join(dir, `${name}.tif`);
  await writeSyntheticSlide(scene, file, 'tiff');
  const outcome = await analyseSlide({ path: file, metadata: { mpp: scene.mpp }, params: resolveParams({ detector: 'model' }), executor, store });
  if (!outcome.ok || outcome.analysisId === undefined) throw new Error(`analysis of ${name} failed`);
  const id = outcome.analysisId;
  const truth = truthOf(scene).cells;
  const tiles = await store.getTileResults(id);
  const stored = tiles.flatMap((t) => t.detections.map((d, i) => ({ d, target: `cell:${t.tileId}:${i}` })));
  let adds = 0;
  for (const t of truth) {
    if (adds >= maxAdds) break;
    if (stored.some(({ d }) => Math.hypot(d.x - t.x, d.y - t.y) <= MATCH_UM)) continue;
    await addCorrectionRescored(store, id, { kind: 'add', x: t.x / scene.mpp, y: t.y / scene.mpp, grade: t.grade }, 'pathologist');
    adds++;
  }
  for (const { d, target } of stored) {
    if (!truth.some((t) => Math.hypot(d.x - t.x, d.y - t.y) <= MATCH_UM)) await addCorrectionRescored(store, id, { kind: 'delete', target }, 'pathologist');
  }
  return { analysisId: id, adds };
}

/** Recall and F1 of a model on a scene's H plane as the pipeline computes it (glass I0, Macenko). */
function scoreOn(model: NucleusModel, scene: Scene): { recall: number; f1: number } {
  const rgb = renderRegion(scene, 0, 0, scene.width, scene.height);
  const i0 = estimateBackground(rgb.data).i0;
  const est = estimateMacenko(rgb.data, { i0 });
  const h = deconvolve(rgb, est.degenerate ? HDAB_DEFAULT : est.matrix, i0).hematoxylin;
  const found = detectNucleiWithModel(h, scene.mpp, model, resolveParams({}).nucleus).nuclei.map((n) => ({ x: n.cx * scene.mpp, y: n.cy * scene.mpp }));
  const m = matchCentroids(truthOf(scene).cells, found, MATCH_UM);
  return { recall: m.recall, f1: m.f1 };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-from-corrections-'));
  store = await openPgliteStore({ inMemory: true });
  executor = threadPoolExecutor({ threads: 2 });
  shippedSha = sha(path.join(NUCLEUS_MODEL_DIR, 'weights.bin'));
  for (const seed of TRAIN_SEEDS) {
    const r = await analyseAndCorrect(makeScene({ ...PALE, seed }), `pale-${seed}`, ADDS - added);
    added += r.adds;
  }
  const held = await analyseAndCorrect(makeScene({ ...PALE, seed: CORRECTED_HELDOUT_SEED }), `pale-${CORRECTED_HELDOUT_SEED}`, 1000);
  report = await trainFromCorrections({ store, baseDir: NUCLEUS_MODEL_DIR, versionsDir: path.join(dir, 'versions'), holdout: [held.analysisId], steps: 100, log: (l) => console.log(l) });
  console.log(JSON.stringify(report, null, 1));
  base = await loadNucleusModel(NUCLEUS_MODEL_DIR, 'wasm');
  tuned = await loadNucleusModel(report.dir, 'wasm');
}, 1_200_000);

afterAll(async () => {
  await executor?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('learning from corrections (train --from-corrections)', () => {
  it(`learns from ${ADDS} added cells on tuning-seed slides and writes a new version beside the shipped model, which stays as it was`, () => {
    expect(added).toBe(ADDS);
    expect(report.corrections.added).toBe(ADDS);
    expect(report.trainAnalyses).toHaveLength(TRAIN_SEEDS.length);
    expect(existsSync(path.join(report.dir, 'model.json'))).toBe(true);
    expect(existsSync(path.join(report.dir, 'MODEL.md'))).toBe(true);
    expect(report.id).toMatch(/^nuclei-unet@[0-9a-f]{12}$/);
    expect(report.id).not.toBe(report.baseId);
    expect(tuned.id).toBe(report.id);
    expect(sha(path.join(NUCLEUS_MODEL_DIR, 'weights.bin'))).toBe(shippedSha);
  });

  it('at least halves the miss rate of added cells on the held-out corrected slide', () => {
    const before = report.before!;
    const after = report.after!;
    expect(before.added).toBeGreaterThan(10);
    expect(after.addedMissed / after.added).toBeLessThanOrEqual(0.5 * (before.addedMissed / before.added));
  });

  it('at least halves the miss rate on held-out slides of that kind (seeds 1100–1101)', () => {
    for (const seed of [1100, 1101]) {
      const scene = makeScene({ ...PALE, seed });
      const b = scoreOn(base, scene);
      const a = scoreOn(tuned, scene);
      console.log(`pale seed ${seed}: miss rate ${(1 - b.recall).toFixed(3)} → ${(1 - a.recall).toFixed(3)}, F1 ${b.f1.toFixed(3)} → ${a.f1.toFixed(3)}`);
      expect(1 - a.recall, `seed ${seed}`).toBeLessThanOrEqual(0.5 * (1 - b.recall));
    }
  });

  it('keeps F1 on other held-out slides within 0.01 (clean seeds 1000–1001, fibrous stroma 1002)', () => {
    const scenes = [
      makeScene({ seed: 1000, width: 768, height: 768 }),
      makeScene({ seed: 1001, width: 768, height: 768 }),
      makeScene({ seed: 1002, width: 768, height: 768, stromaTexture: HELDOUT_STROMA, stainJitterDeg: 8 }),
    ];
    for (const s of scenes) {
      const b = scoreOn(base, s).f1;
      const a = scoreOn(tuned, s).f1;
      console.log(`seed ${s.seed}: F1 ${b.toFixed(3)} → ${a.toFixed(3)}`);
      expect(a, `seed ${s.seed}`).toBeGreaterThanOrEqual(b - 0.01);
    }
  });
});
