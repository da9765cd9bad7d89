import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DETECTOR_REALISM_ACCEPTANCE as A,
  DETECTOR_REALISM_CONDITIONS,
  detectorRealismCases,
  evaluateDetectorRealism,
  summariseDetectorRealism,
  type DetectorRealismRow,
} from '../../src/eval/detector-realism.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import { MODEL_ID_CLASSICAL } from '../../src/domain/version.js';

// Issue 15: the learned detector holds outside its training world. Held-out lab-realism cell
// slides (stain drift, uneven light, JPEG, artefacts, QC on) with fibrous stroma, where the
// model trained on clean scenes reached F1 0.34; each slide analysed by both detectors through
// the whole pipeline (`EVAL_SETS=detectors-realism npm run eval` runs all 9 seeds × 5 conditions).
const CONDITIONS = DETECTOR_REALISM_CONDITIONS.filter((c) => c.name === 'lab realism + fibrous stroma' || c.name === 'lab realism + dense fibrous stroma');
/**
 * stained slides, so the H-score bar is tested too (the others are unstained draws): a membrane
 * stain and a cytoplasmic one, the two ways a cell marker is graded (CD4, a second membrane
 * stain, is left to the eval: the suite must keep within ten minutes)
 */
const MARKERS = ['CD8', 'CD68'];
const SEEDS_PER_CONDITION = MARKERS.length;
let executor: TileExecutor;
let rows: DetectorRealismRow[];

beforeAll(async () => {
  executor = threadPoolExecutor({ threads: 2 });
  const items = CONDITIONS.flatMap((k) => detectorRealismCases([k], 1).filter((it) => MARKERS.includes(it.c.marker)));
  rows = await evaluateDetectorRealism(items, { executor });
  for (const r of rows) console.log(`${r.condition} seed ${r.case.seed} ${r.case.marker}: classical F1 ${r.classical.nuclei?.f1.toFixed(3)} H ${r.classical.hScore?.found.toFixed(1)} | model F1 ${r.model.nuclei?.f1.toFixed(3)} H ${r.model.hScore?.found.toFixed(1)} | truth H ${r.model.hScore?.truth.toFixed(1)}`);
}, 900_000);

afterAll(async () => {
  await executor?.close();
});

describe('the learned nucleus detector on held-out textured, drifted, JPEG slides', () => {
  it(`reaches F1 ≥ ${A.f1}, not below the classical detector's by more than ${A.f1BelowClassical}, per condition`, () => {
    const s = summariseDetectorRealism(rows);
    expect(s).toHaveLength(CONDITIONS.length);
    for (const c of s) {
      expect(c.slides, c.condition).toBe(SEEDS_PER_CONDITION);
      expect(c.model.f1, c.condition).toBeGreaterThanOrEqual(A.f1);
      expect(c.model.f1, c.condition).toBeGreaterThanOrEqual(c.classical.f1 - A.f1BelowClassical);
    }
  });

  it(`keeps every slide's H-score within ${A.hScorePoints} points of the truth`, () => {
    for (const r of rows) expect(r.model.hScore!.error, `${r.condition} seed ${r.case.seed}`).toBeLessThanOrEqual(A.hScorePoints);
  });

  it('records the learned model as the detector of its analyses, and the classical one of the others', () => {
    for (const r of rows) {
      expect(r.model.error, `seed ${r.case.seed}`).toBeUndefined();
      expect(r.classical.error, `seed ${r.case.seed}`).toBeUndefined();
      expect(r.model.modelId).toMatch(/^nuclei-unet@[0-9a-f]{12}$/);
      expect(r.classical.modelId).toBe(MODEL_ID_CLASSICAL);
    }
  });
});
