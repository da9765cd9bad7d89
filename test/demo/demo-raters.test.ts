import { describe, expect, it } from 'vitest';
import { blandAltman, blandAltmanRatio } from '../../src/cohort/stats/bland-altman.js';
import { runValidation } from '../../src/cohort/validation/validation.js';
import type { ManualScore } from '../../src/domain/manual-score.js';
import { DEMO_RATERS, demoRaterReads, demoSlideTruth, type DemoRater } from '../../src/demo/demo-raters.js';
import { planDemoCohort } from '../../src/synthetic/cohort/plan.js';

const Z = 1.959964;

/**
 * The demo's two synthetic pathologists read the demo cohort's planted truth with a planted bias
 * and noise; the method-comparison statistics must give them back: each planted bias inside the
 * 95 % interval of the estimate, and each planted limit of agreement (bias ± 1.96 σ) inside the
 * interval of the estimated limit — the noise recovered.
 */
describe('demo raters: planted bias and noise recovered', () => {
  const truth = demoSlideTruth(planDemoCohort().planted);
  const reads = demoRaterReads(truth);
  const of = (rater: string, score: string) => reads.filter((r) => r.rater === rater && r.score === score).map((r) => r.value);
  const [a, b] = DEMO_RATERS;

  const expectInside = (value: number, ci: { lower: number; upper: number }, what: string) => {
    expect(value, `${what}: ${value} in [${ci.lower}, ${ci.upper}]`).toBeGreaterThanOrEqual(ci.lower);
    expect(value, `${what}: ${value} in [${ci.lower}, ${ci.upper}]`).toBeLessThanOrEqual(ci.upper);
  };

  it('reads 30 slides per marker and score', () => {
    expect(truth).toHaveLength(30);
    expect(reads).toHaveLength(2 * 30 * 4);
  });

  it.each(DEMO_RATERS.map((r) => [r.id, r] as [string, DemoRater]))('%s: CD163 density ratio to the truth and its log-scale limits', (id, rater) => {
    const r = blandAltmanRatio(of(id, 'density'), truth.map((t) => t.cd163PerMm2));
    expect(r.log.n).toBe(30);
    expectInside(rater.cd163.ratio, r.ratio.biasCi, 'ratio');
    const planted = Math.log(rater.cd163.ratio);
    expectInside(planted - Z * rater.cd163.logSd, r.log.lowerCi, 'lower limit');
    expectInside(planted + Z * rater.cd163.logSd, r.log.upperCi, 'upper limit');
  });

  it.each(DEMO_RATERS.map((r) => [r.id, r] as [string, DemoRater]))('%s: MHC-I % positive fibres bias and limits, away from the 0 % floor', (id, rater) => {
    // reads are kept within 0–100 %; from 20 % up no read of either rater is cut (> 3 SD away)
    const keep = truth.map((t) => t.mhc1PctPositive >= 20);
    const pick = (v: number[]) => v.filter((_, i) => keep[i]);
    const r = blandAltman(pick(of(id, 'mhc1PctPositive')), pick(truth.map((t) => t.mhc1PctPositive)));
    expect(r.n).toBeGreaterThanOrEqual(15);
    expectInside(rater.mhc1.bias, r.biasCi, 'bias');
    expectInside(rater.mhc1.bias - Z * rater.mhc1.sd, r.lowerCi, 'lower limit');
    expectInside(rater.mhc1.bias + Z * rater.mhc1.sd, r.upperCi, 'upper limit');
  });

  it('the rater-vs-rater comparison gives back their relative bias and combined noise', () => {
    const report = runValidation([], reads as ManualScore[], { score: 'density' });
    const pair = report.results[0].pairs[0];
    expect([pair.a, pair.b, pair.n]).toEqual([a.id, b.id, 30]);
    const ratio = a.cd163.ratio / b.cd163.ratio;
    expectInside(ratio, pair.ratio!.biasCi as { lower: number; upper: number }, 'A / B ratio');
    const sd = Math.hypot(a.cd163.logSd, b.cd163.logSd);
    expectInside(ratio * Math.exp(-Z * sd), pair.ratio!.lowerCi as { lower: number; upper: number }, 'lower ratio limit');
    expectInside(ratio * Math.exp(Z * sd), pair.ratio!.upperCi as { lower: number; upper: number }, 'upper ratio limit');
  });
});
