import { describe, expect, it } from 'vitest';
import { passingBablok } from '../../../src/cohort/stats/passing-bablok.js';
import { CREATININE } from './agreement-data.js';

describe('Passing–Bablok regression', () => {
  // mcr::mcreg(serum, plasma, method.reg = "PaBa", method.ci = "analytical") on mcr's creatinine
  // data, as quoted in Wicklin's SAS program (see agreement-data.ts):
  //   Intercept −0.1171729 (−0.2001149, −0.020000); Slope 1.0880089 (1.0000000, 1.173005)
  it("matches R mcr's analytical Passing–Bablok fit of the creatinine data", () => {
    const pairs = CREATININE.filter((p): p is [number, number] => p[1] !== null);
    expect(pairs).toHaveLength(108);
    const r = passingBablok(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
    expect(r.slope).toBeCloseTo(1.0880089, 6);
    expect(r.slopeCi.lower).toBeCloseTo(1.0, 6);
    expect(r.slopeCi.upper).toBeCloseTo(1.173005, 6);
    expect(r.intercept).toBeCloseTo(-0.1171729, 6);
    expect(r.interceptCi.lower).toBeCloseTo(-0.2001149, 6);
    expect(r.interceptCi.upper).toBeCloseTo(-0.02, 6);
  });

  it('finds an exact line and does not depend on which method is x', () => {
    const x = [1, 3, 4, 7, 9, 12, 15];
    const y = x.map((v) => 2 + 0.5 * v);
    const r = passingBablok(x, y);
    // tan(atan(s)) is s to the last bit or two
    expect(r.slope).toBeCloseTo(0.5, 12);
    expect(r.intercept).toBeCloseTo(2, 12);
    const back = passingBablok(y, x);
    expect(back.slope).toBeCloseTo(2, 12);
    expect(back.intercept).toBeCloseTo(-4, 12);
  });
});
