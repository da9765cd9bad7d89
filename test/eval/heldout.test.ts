import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTANCE } from '../../src/eval/evaluate-slide.js';
import { HELDOUT_SEED_BASE, evaluateSeeds, type HeldoutRow } from '../../src/eval/heldout.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';

// The first of the held-out slides `npm run eval` prints (seeds never used while tuning), through
// the whole pipeline: file on disk → tiles → worker threads → scores. Three here (one per format)
// so the suite keeps within its time; `npm run eval` runs the whole set against the same bars and
// exits non-zero when a slide misses one.
const COUNT = 3;
let executor: TileExecutor;
let rows: HeldoutRow[];

beforeAll(async () => {
  executor = threadPoolExecutor({ threads: 2 });
  rows = await evaluateSeeds(
    Array.from({ length: COUNT }, (_, i) => HELDOUT_SEED_BASE + i),
    { executor, size: 2048 },
  );
}, 600_000);

afterAll(async () => {
  await executor?.close();
});

describe(`held-out synthetic slides (seeds ${HELDOUT_SEED_BASE}–${HELDOUT_SEED_BASE + COUNT - 1})`, () => {
  it('covers several formats and hundreds of cells per slide', () => {
    expect(new Set(rows.map((r) => r.format)).size).toBe(3);
    for (const r of rows) expect(r.evaluation.truthCells).toBeGreaterThan(300);
  });

  it(`nucleus detection F1 ≥ ${ACCEPTANCE.f1} (centroids within ${ACCEPTANCE.matchRadiusUm} µm, one-to-one)`, () => {
    for (const r of rows) expect(r.evaluation.f1, `seed ${r.seed}`).toBeGreaterThanOrEqual(ACCEPTANCE.f1);
  });

  it(`positive/negative accuracy ≥ ${ACCEPTANCE.posNegAccuracy} and 1+/2+/3+ accuracy ≥ ${ACCEPTANCE.gradeAccuracy}`, () => {
    for (const r of rows) {
      expect(r.evaluation.posNegAccuracy, `seed ${r.seed}`).toBeGreaterThanOrEqual(ACCEPTANCE.posNegAccuracy);
      expect(r.evaluation.gradeAccuracy, `seed ${r.seed}`).toBeGreaterThanOrEqual(ACCEPTANCE.gradeAccuracy);
    }
  });

  it(`H-score within ${ACCEPTANCE.hScorePoints} points, % positive area within ${ACCEPTANCE.pctPositiveAreaPoints} pp, density within ${ACCEPTANCE.densityRelative * 100}%`, () => {
    for (const r of rows) {
      expect(r.evaluation.hScore.error, `seed ${r.seed}`).toBeLessThanOrEqual(ACCEPTANCE.hScorePoints);
      expect(r.evaluation.pctPositiveArea.error, `seed ${r.seed}`).toBeLessThanOrEqual(ACCEPTANCE.pctPositiveAreaPoints);
      expect(r.evaluation.density.relError, `seed ${r.seed}`).toBeLessThanOrEqual(ACCEPTANCE.densityRelative);
    }
  });
});
