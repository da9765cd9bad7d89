import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTANCE } from '../../src/eval/evaluate-slide.js';
import { HELDOUT_SEED_BASE, evaluateSeeds, type HeldoutRow } from '../../src/eval/heldout.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import { MODEL_ID_CLASSICAL } from '../../src/domain/version.js';

// `--detector classical|model` on the same held-out slides through the same pipeline
// (npm run eval prints the same comparison on larger slides).
const SEEDS = [HELDOUT_SEED_BASE, HELDOUT_SEED_BASE + 1];
let executor: TileExecutor;
let classical: HeldoutRow[];
let model: HeldoutRow[];

beforeAll(async () => {
  executor = threadPoolExecutor({ threads: 2 });
  classical = await evaluateSeeds(SEEDS, { executor, size: 1024, params: { detector: 'classical' } });
  model = await evaluateSeeds(SEEDS, { executor, size: 1024, params: { detector: 'model' } });
  for (const [i, c] of classical.entries()) {
    console.log(`seed ${c.seed}: classical F1 ${c.evaluation.f1.toFixed(3)} (${c.seconds.toFixed(1)} s) | model F1 ${model[i].evaluation.f1.toFixed(3)} (${model[i].seconds.toFixed(1)} s)`);
  }
}, 300_000);

afterAll(async () => {
  await executor?.close();
});

describe('classical and learned nucleus detectors on held-out slides', () => {
  it(`both reach nucleus F1 ≥ ${ACCEPTANCE.f1} and positive/negative accuracy ≥ ${ACCEPTANCE.posNegAccuracy}`, () => {
    for (const r of [...classical, ...model]) {
      expect(r.evaluation.f1, `seed ${r.seed}`).toBeGreaterThanOrEqual(ACCEPTANCE.f1);
      expect(r.evaluation.posNegAccuracy, `seed ${r.seed}`).toBeGreaterThanOrEqual(ACCEPTANCE.posNegAccuracy);
    }
  });

  it('each run stores the detector it used: the classical id, or the model name with its weights hash', () => {
    for (const r of classical) expect(r.modelId).toBe(MODEL_ID_CLASSICAL);
    for (const r of model) expect(r.modelId).toMatch(/^nuclei-unet@[0-9a-f]{12}$/);
  });
});
