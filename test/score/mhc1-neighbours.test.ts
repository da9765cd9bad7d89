import { describe, expect, it } from 'vitest';
import { fibreNeighbours } from '../../src/score/fibre-neighbours.js';
import { scoreMhc1, MHC1_THRESHOLDS, type Mhc1Fibre } from '../../src/score/mhc1.js';
import { allPairsNearest, allPairsSameClassFraction } from './reference/same-class-neighbours.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Layout = 'uniform' | 'clustered' | 'duplicates' | 'line' | 'far';

function layout(kind: Layout, n: number, seed: number): { x: number; y: number }[] {
  const r = rng(seed);
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (kind === 'uniform') out.push({ x: r() * 3000, y: r() * 2000 });
    else if (kind === 'clustered') {
      const c = Math.floor(r() * 4);
      out.push({ x: 500 * c + r() * 40, y: 300 * (c % 2) + r() * 40 });
    } else if (kind === 'duplicates') out.push(i % 3 === 0 && i > 0 ? { ...out[i - 1] } : { x: Math.round(r() * 20) * 50, y: Math.round(r() * 20) * 50 });
    else if (kind === 'line') out.push({ x: r() * 5000, y: 7 });
    else out.push({ x: i === n - 1 ? 1e6 : r() * 100, y: i === n - 1 ? -1e6 : r() * 100 });
  }
  return out;
}

const kinds: Layout[] = ['uniform', 'clustered', 'duplicates', 'line', 'far'];

describe('fibre neighbours on a point grid equal the all-pairs loops', () => {
  it.each(kinds)('nearest distances (%s)', (kind) => {
    for (const n of [1, 2, 3, 17, 400]) {
      const pts = layout(kind, n, n * 31 + kind.length);
      expect(Array.from(fibreNeighbours(pts).nearest)).toEqual(Array.from(allPairsNearest(pts)));
    }
  });

  it.each(kinds)('MHC-I neighbour clustering fractions, bit for bit (%s)', (kind) => {
    for (const [n, factor] of [[2, 1.5], [9, 2], [300, 1.5], [700, 3.1]] as const) {
      const pts = layout(kind, n, n + 5);
      const r = rng(n * 7);
      const fibres: Mhc1Fibre[] = pts.map((p) => ({ ...p, ringDab: r() < 0.3 ? 1 : 0, interiorDab: 0, perifascicular: false }));
      const flags = fibres.map((f) => f.ringDab >= MHC1_THRESHOLDS.ring);
      const s = scoreMhc1(fibres, { ...MHC1_THRESHOLDS, neighbourFactor: factor });
      expect(s.positiveNeighbourFraction).toBe(allPairsSameClassFraction(pts, flags, true, factor));
      expect(s.negativeNeighbourFraction).toBe(allPairsSameClassFraction(pts, flags, false, factor));
    }
  });

  it('lists exactly the points within the radius, boundary included', () => {
    // a lattice 10 apart: at radius 10 each inner point has its four neighbours, at 14.1 not the diagonals
    const pts = Array.from({ length: 25 }, (_, i) => ({ x: (i % 5) * 10, y: Math.floor(i / 5) * 10 }));
    const nb = fibreNeighbours(pts);
    const within = (i: number, radius: number) => {
      const js: number[] = [];
      nb.forEachWithin(i, radius, (j) => js.push(j));
      return js.sort((a, b) => a - b);
    };
    expect(within(12, 10)).toEqual([7, 11, 13, 17]);
    expect(within(12, 14.1)).toEqual([7, 11, 13, 17]);
    expect(within(12, Math.SQRT2 * 10)).toEqual([6, 7, 8, 11, 13, 16, 17, 18]);
    expect(within(0, Infinity)).toHaveLength(24);
  });
});
