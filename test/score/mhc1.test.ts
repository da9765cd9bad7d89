import { describe, expect, it } from 'vitest';
import { MHC1_THRESHOLDS, isMhc1Positive, mhc1Grade, scoreMhc1, type Mhc1Fibre } from '../../src/score/mhc1.js';

describe('mhc1Grade (Das et al.: 0 none, 1 ≤10%, 2 10–25%, 3 25–50%, 4 50–99%, 5 100%)', () => {
  it.each([
    [0, 0, 0],
    [0, 10, 0],
    [1, 1000, 1],
    [1, 10, 1], // exactly 10% → 1
    [1, 9, 2], // 11.1%
    [1, 4, 2], // exactly 25% → 2
    [26, 100, 3],
    [1, 2, 3], // exactly 50% → 3
    [51, 100, 4],
    [999, 1000, 4], // 99.9% is not all
    [10, 10, 5],
  ])('%i of %i fibres → grade %i', (pos, total, grade) => {
    expect(mhc1Grade(pos, total)).toBe(grade);
  });

  it('rejects impossible counts', () => {
    expect(() => mhc1Grade(3, 2)).toThrow(RangeError);
    expect(() => mhc1Grade(-1, 2)).toThrow(RangeError);
    expect(() => mhc1Grade(0.5, 2)).toThrow(RangeError);
  });
});

describe('isMhc1Positive', () => {
  it('takes the ring or the interior against their thresholds', () => {
    const { ring, interior } = MHC1_THRESHOLDS;
    expect(isMhc1Positive({ ringDab: ring, interiorDab: 0 })).toBe(true);
    expect(isMhc1Positive({ ringDab: ring - 0.01, interiorDab: interior - 0.01 })).toBe(false);
    expect(isMhc1Positive({ ringDab: 0, interiorDab: interior })).toBe(true);
  });
});

/** A 12 × 12 hexagonal lattice of fibres 50 µm apart; the outer two rows/columns are the fascicle edge. */
function lattice(positive: (col: number, row: number) => boolean): Mhc1Fibre[] {
  const out: Mhc1Fibre[] = [];
  for (let r = 0; r < 12; r++) {
    for (let c = 0; c < 12; c++) {
      const pos = positive(c, r);
      out.push({
        x: c * 50 + (r % 2) * 25,
        y: r * 43.3,
        ringDab: pos ? 0.3 : 0.02,
        interiorDab: 0.02,
        perifascicular: r === 0 || c === 0 || r === 11 || c === 11,
      });
    }
  }
  return out;
}

describe('scoreMhc1 pattern', () => {
  it('none when nothing stains', () => {
    const s = scoreMhc1(lattice(() => false));
    expect(s).toMatchObject({ fibres: 144, positive: 0, percentPositive: 0, grade: 0, pattern: 'none' });
  });

  it('perifascicular when the fascicle rim stains', () => {
    const s = scoreMhc1(lattice((c, r) => r === 0 || c === 0 || r === 11 || c === 11));
    expect(s.positive).toBe(44);
    expect(s.grade).toBe(3); // 30.6%
    expect(s.edgeFraction).toBe(1);
    expect(s.interiorFraction).toBe(0);
    expect(s.pattern).toBe('perifascicular');
  });

  it('focal when positives form a patch inside the fascicle', () => {
    const s = scoreMhc1(lattice((c, r) => (c - 6) ** 2 + (r - 6) ** 2 <= 5));
    expect(s.positive).toBe(21);
    expect(s.grade).toBe(2); // 14.6%
    expect(s.positiveNeighbourFraction).toBeGreaterThan(0.6);
    expect(s.pattern).toBe('focal');
  });

  it('focal when a large focus leaves the negatives in a patch', () => {
    const s = scoreMhc1(lattice((c, r) => (c - 3) ** 2 + (r - 8) ** 2 > 8));
    expect(s.grade).toBe(4);
    expect(s.negativeNeighbourFraction).toBeGreaterThan(0.6);
    expect(s.pattern).toBe('focal');
  });

  it('diffuse when positives are scattered', () => {
    // every third fibre along a diagonal stride: spread evenly, no patch, no rim preference
    const s = scoreMhc1(lattice((c, r) => (c + 2 * r) % 3 === 0));
    expect(s.percentPositive).toBeCloseTo((100 * 48) / 144, 10);
    expect(s.grade).toBe(3);
    expect(s.pattern).toBe('diffuse');
  });

  it('diffuse and grade 5 when every fibre stains', () => {
    const s = scoreMhc1(lattice(() => true));
    expect(s.grade).toBe(5);
    expect(s.pattern).toBe('diffuse');
  });
});
