import { describe, expect, it } from 'vitest';
import { matchCentroids } from '../../src/eval/match.js';

describe('matchCentroids', () => {
  it('matches one-to-one within the radius and counts tp/fp/fn', () => {
    const truth = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 0 }];
    const found = [{ x: 1, y: 1 }, { x: 10.5, y: 0 }, { x: 40, y: 0 }, { x: 0.5, y: 0 }];
    const r = matchCentroids(truth, found, 4);
    expect(r.tp).toBe(2);
    expect(r.fp).toBe(2);
    expect(r.fn).toBe(1);
    // the closer of the two candidates near the origin wins
    expect(r.pairs).toContainEqual([0, 3]);
    expect(r.pairs).toContainEqual([1, 1]);
    expect(r.precision).toBeCloseTo(0.5, 10);
    expect(r.recall).toBeCloseTo(2 / 3, 10);
    expect(r.f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 10);
  });

  it('never matches beyond the radius, even across bucket borders', () => {
    const r = matchCentroids([{ x: 3.9, y: 0 }], [{ x: 8, y: 0 }], 4);
    expect(r.tp).toBe(0);
    const r2 = matchCentroids([{ x: 3.9, y: 0 }], [{ x: 7.8, y: 0 }], 4);
    expect(r2.tp).toBe(1);
  });

  it('empty sets are perfect agreement, one empty side is zero recall or precision', () => {
    expect(matchCentroids([], [], 4).f1).toBe(1);
    expect(matchCentroids([], [], 4).precision).toBe(1);
    expect(matchCentroids([{ x: 0, y: 0 }], [], 4).recall).toBe(0);
    expect(matchCentroids([], [{ x: 0, y: 0 }], 4).precision).toBe(0);
  });
});
