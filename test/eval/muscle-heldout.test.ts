import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSCLE_ACCEPTANCE as A } from '../../src/eval/evaluate-muscle-slide.js';
import { HELDOUT_SEED_BASE, evaluateMuscleSeeds, type MuscleHeldoutRow } from '../../src/eval/muscle-heldout.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';

// The first of the held-out synthetic muscle sections `npm run eval` prints (seeds never used
// while tuning), through the whole pipeline: file on disk → tiles → worker threads → marker scores.
// Four here (MHC-I, CD163, infiltrate, IL-1Ra; every format), so the suite keeps within its time;
// `npm run eval` (EVAL_MUSCLE_SLIDES, default 24) runs the whole set against the same bars and
// exits non-zero when one is missed.
const MUSCLE_HELDOUT_COUNT = 4;
let executor: TileExecutor;
let rows: MuscleHeldoutRow[];

beforeAll(async () => {
  executor = threadPoolExecutor({ threads: 2 });
  rows = await evaluateMuscleSeeds(
    Array.from({ length: MUSCLE_HELDOUT_COUNT }, (_, i) => HELDOUT_SEED_BASE + i),
    { executor, size: 1536 },
  );
}, 600_000);

afterAll(async () => {
  await executor?.close();
});

const share = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;

describe(`held-out synthetic muscle (seeds ${HELDOUT_SEED_BASE}–${HELDOUT_SEED_BASE + MUSCLE_HELDOUT_COUNT - 1})`, () => {
  it('spans every marker, several formats and ~100 fibres per slide', () => {
    expect(new Set(rows.map((r) => r.marker))).toEqual(new Set(['MHC-I', 'CD163', 'infiltrate', 'IL-1Ra']));
    expect(new Set(rows.map((r) => r.format)).size).toBe(3);
    for (const r of rows) expect(r.evaluation.fibres.truth, `seed ${r.seed}`).toBeGreaterThan(50);
  });

  it(`fibre F1 ≥ ${A.fibreF1} at IoU ≥ ${A.fibreIou}; minimal Feret within ${A.feretRelErr * 100}% (median per slide)`, () => {
    for (const r of rows) {
      expect(r.evaluation.fibres.f1, `seed ${r.seed}`).toBeGreaterThanOrEqual(A.fibreF1);
      expect(r.evaluation.fibres.medianFeretRelErr, `seed ${r.seed}`).toBeLessThanOrEqual(A.feretRelErr);
    }
  });

  it(`MHC-I grade exact on ≥ ${A.mhcGradeExactShare * 100}% of MHC-I slides, never off by more than ${A.mhcGradeMaxOff}`, () => {
    const mhc = rows.filter((r) => r.marker === 'MHC-I').map((r) => r.evaluation.mhc1!);
    // one here; the whole set (`npm run eval`) spans three grades and more
    expect(mhc.length).toBe(1);
    expect(share(mhc.map((m) => m.grade === m.truthGrade))).toBeGreaterThanOrEqual(A.mhcGradeExactShare);
    for (const m of mhc) expect(Math.abs(m.grade - m.truthGrade)).toBeLessThanOrEqual(A.mhcGradeMaxOff);
  });

  it(`CD163+ density within ${A.cd163RelErr * 100}% of truth`, () => {
    const cd = rows.filter((r) => r.marker === 'CD163');
    expect(cd.length).toBe(1);
    for (const r of cd) expect(r.evaluation.cd163!.relErr, `seed ${r.seed}`).toBeLessThanOrEqual(A.cd163RelErr);
  });

  it(`infiltrate cell location accuracy ≥ ${A.locationAccuracy} on every slide`, () => {
    for (const r of rows) {
      expect(r.evaluation.location.matched, `seed ${r.seed}`).toBeGreaterThan(20);
      expect(r.evaluation.location.accuracy, `seed ${r.seed}`).toBeGreaterThanOrEqual(A.locationAccuracy);
    }
  });

  it(`cluster count exact on ≥ ${A.clusterExactShare * 100}% of infiltrate slides`, () => {
    const cl = rows.filter((r) => r.marker === 'infiltrate').map((r) => r.evaluation.clusters!);
    expect(cl.length).toBe(1);
    expect(cl.some((c) => c.truth > 0)).toBe(true);
    expect(share(cl.map((c) => c.found === c.truth))).toBeGreaterThanOrEqual(A.clusterExactShare);
  });

  it(`IL-1 "expressed" calls match truth on ≥ ${A.il1Share * 100}% of IL-1 slides`, () => {
    const il = rows.filter((r) => r.marker.startsWith('IL-1')).map((r) => r.evaluation.il1!);
    // one here; the whole set spans expressed and not (so does the demo cohort's IL-1Ra, 7/7 vs 3/8)
    expect(il.length).toBe(1);
    expect(share(il.map((c) => c.expressed === c.truth))).toBeGreaterThanOrEqual(A.il1Share);
  });
});
