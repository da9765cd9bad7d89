import { describe, expect, it } from 'vitest';
import { evaluateFibres } from './fibres-eval.js';

/**
 * Accuracy on synthetic muscle (src/synthetic/muscle, MHC-I marker) — tuning seeds only (< 100;
 * seeds ≥ 1000 are held out). One slide per MHC-I pattern the tuning set showed the hardest
 * cases on: perifascicular with DAB → H crosstalk (3), diffuse grade 4 (5), diffuse grade 3 with
 * negative crosstalk, where stained fibres read paler than glass in hematoxylin alone (9).
 * Issue 4 acceptance: fibre F1 ≥ 0.85 at IoU ≥ 0.5, minimal Feret within 10%, MHC-I grade exact.
 */
describe.each([3, 5, 9])('fibres on synthetic muscle seed %i (1024², 0.5 µm/px)', (seed) => {
  const e = evaluateFibres(seed, 1024);

  it('detects fibres with F1 ≥ 0.85 at IoU ≥ 0.5 (one-to-one)', () => {
    expect(e.truthFibres).toBeGreaterThan(50);
    expect(e.f1).toBeGreaterThanOrEqual(0.85);
  });

  it('measures minimal Feret within 10% (≥ 90% of matched fibres, median ≤ 5%)', () => {
    const errs = e.feretErrors.slice().sort((a, b) => a - b);
    expect(errs.filter((x) => x <= 0.1).length / errs.length).toBeGreaterThanOrEqual(0.9);
    expect(errs[errs.length >> 1]).toBeLessThanOrEqual(0.05);
  });

  it('counts internal nuclei and flags the fascicle rim', () => {
    expect(e.truthInternalNuclei).toBeGreaterThan(0);
    expect(Math.abs(e.internalNuclei - e.truthInternalNuclei)).toBeLessThanOrEqual(1);
    expect(e.perifascicularAgreement).toBeGreaterThanOrEqual(0.8);
  });

  it('grades MHC-I exactly and finds the planted pattern', () => {
    expect(e.grade).toBe(e.truthGrade);
    expect(Math.abs(e.mhc1.percentPositive - 100 * e.truthPositive)).toBeLessThan(5);
    expect(e.mhc1.pattern).toBe(e.truthPattern);
  });
});
