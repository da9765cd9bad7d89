import { randomLcg, randomNormal, randomUniform } from 'd3-random';
import type { ManualScoreInput } from '../domain/manual-score.js';
import { mhc1Grade } from '../score/mhc1.js';
import type { PlantedPatient } from '../synthetic/cohort/plan.js';
import { COHORT_TIMEPOINTS } from '../synthetic/cohort/planted-effects.js';

/**
 * Two synthetic pathologists for the demo cohort (issue 17), so `npm run demo` has manual reads to
 * validate the tool against. Each reads every slide's truth — in the demo the cells and fibres
 * planted in the section (its .truth.json, demo-validation.ts), as a pathologist sees the slide —
 * with their own systematic bias and noise, drawn from a seeded d3-random stream:
 *
 * - CD163+ macrophages per mm² (`density`): a proportional bias (a ratio: counting fields
 *   generously or strictly) and log-normal noise (SD of ln read − ln truth ≈ CV);
 * - MHC-I % positive fibres (`mhc1PctPositive`): an additive bias in percentage points and normal
 *   noise, reads kept within 0–100 % (so near 0 % a negative bias is cut short);
 *   `mhc1Grade` is the Das grade of the rater's own percentage;
 * - IL-1Ra expressed (`expressed`): the planted call, flipped on a share of the slides.
 *
 * Rater A is the experienced one (small bias, little noise), rater B the junior (opposite bias,
 * twice the noise): the tool should fall inside their spread.
 */
export interface DemoRater {
  id: string;
  description: string;
  /** CD163 density read = truth × ratio × exp(N(0, logSd)) */
  cd163: { ratio: number; logSd: number };
  /** MHC-I % read = truth + bias + N(0, sd), within 0–100 */
  mhc1: { bias: number; sd: number };
  /** share of IL-1Ra calls read the other way */
  il1raFlip: number;
}

export const DEMO_RATERS: readonly DemoRater[] = [
  {
    id: 'demo-path-a',
    description: 'experienced: CD163+ counts 10 % high (CV 8 %), MHC-I % positive fibres +4 points (SD 3), 1 IL-1Ra call in 20 flipped',
    cd163: { ratio: 1.1, logSd: 0.08 },
    mhc1: { bias: 4, sd: 3 },
    il1raFlip: 0.05,
  },
  {
    id: 'demo-path-b',
    description: 'junior: CD163+ counts 12 % low (CV 15 %), MHC-I % positive fibres −3 points (SD 5), 1 IL-1Ra call in 10 flipped',
    cd163: { ratio: 0.88, logSd: 0.15 },
    mhc1: { bias: -3, sd: 5 },
    il1raFlip: 0.1,
  },
];

export const DEMO_RATER_SEED = 1717;
/** the day the demo raters "read" the slides */
export const DEMO_READ_DATE = '2025-06-02';

/** One demo biopsy's true values of the scores the raters read. */
export interface DemoSlideTruth {
  patient: string;
  timepoint: string;
  cd163PerMm2: number;
  mhc1PctPositive: number;
  il1raExpressed: boolean;
}

/**
 * The cohort's planted rates (cohort.json) per patient and timepoint: the raters' truth where the
 * sections are not rendered (the recovery test); a rendered section holds a sample of them.
 */
export function demoSlideTruth(planted: readonly PlantedPatient[]): DemoSlideTruth[] {
  return planted.flatMap((p) =>
    COHORT_TIMEPOINTS.map((tp) => ({
      patient: p.patient,
      timepoint: tp,
      cd163PerMm2: p.macrophagesPerMm2[tp],
      mhc1PctPositive: 100 * p.mhcFraction[tp],
      il1raExpressed: p.il1raExpressed[tp],
    })),
  );
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Every rater's reads of every slide: CD163 density, MHC-I % and grade, IL-1Ra call. */
export function demoRaterReads(truth: readonly DemoSlideTruth[], raters: readonly DemoRater[] = DEMO_RATERS, seed = DEMO_RATER_SEED): ManualScoreInput[] {
  const source = randomLcg(seed);
  const normal = randomNormal.source(source)(0, 1);
  const uniform = randomUniform.source(source)(0, 1);
  const reads: ManualScoreInput[] = [];
  for (const rater of raters) {
    for (const t of truth) {
      const slide = { patient: t.patient, timepoint: t.timepoint, rater: rater.id, date: DEMO_READ_DATE };
      const read = (marker: string, score: string, value: number) => reads.push({ ...slide, marker, score, value, source: `demo rater ${rater.id}` });
      read('CD163', 'density', round1(t.cd163PerMm2 * rater.cd163.ratio * Math.exp(rater.cd163.logSd * normal())));
      const pct = round1(Math.min(100, Math.max(0, t.mhc1PctPositive + rater.mhc1.bias + rater.mhc1.sd * normal())));
      read('MHC-I', 'mhc1PctPositive', pct);
      read('MHC-I', 'mhc1Grade', mhc1Grade(Math.round(pct * 10), 1000));
      read('IL-1Ra', 'expressed', (uniform() < rater.il1raFlip ? !t.il1raExpressed : t.il1raExpressed) ? 1 : 0);
    }
  }
  return reads;
}
