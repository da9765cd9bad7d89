import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/synthetic/rng.js';
import { area, centroid, clipHalfPlane, depthIn, inwardEdges, minFeret, type Point } from '../../../src/synthetic/muscle/polygon.js';

/** Brute force: width of the projection on 360 000 directions (an upper bound within 1e-5 relative). */
function bruteWidth(poly: readonly Point[]): number {
  let best = Infinity;
  const steps = 360_000;
  for (let k = 0; k < steps; k++) {
    const a = (Math.PI * k) / steps;
    const c = Math.cos(a);
    const s = Math.sin(a);
    let lo = Infinity;
    let hi = -Infinity;
    for (const [x, y] of poly) {
      const v = x * c + y * s;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    best = Math.min(best, hi - lo);
  }
  return best;
}

/** Convex hull (monotone chain) of random points: a random convex polygon. */
function randomConvex(rng: Rng, n: number): Point[] {
  const pts: Point[] = Array.from({ length: n }, () => [rng.uniform(0, 100) * rng.uniform(0.3, 1), rng.uniform(0, 60)] as Point);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of [...pts].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

describe('convex polygon geometry', () => {
  it('gives the exact min Feret, area and centroid of rectangles and a regular hexagon', () => {
    const rect: Point[] = [[10, 5], [50, 5], [50, 25], [10, 25]];
    expect(minFeret(rect)).toBeCloseTo(20, 12);
    expect(minFeret([...rect].reverse())).toBeCloseTo(20, 12);
    expect(area(rect)).toBe(800);
    expect(centroid(rect)).toEqual([30, 15]);
    const hex: Point[] = Array.from({ length: 6 }, (_, k) => [10 * Math.cos((k * Math.PI) / 3), 10 * Math.sin((k * Math.PI) / 3)] as Point);
    // flat-to-flat width of a regular hexagon with circumradius 10
    expect(minFeret(hex)).toBeCloseTo(10 * Math.sqrt(3), 10);
    // a rotated rectangle keeps its width
    const r = 0.7;
    const rot = rect.map(([x, y]) => [x * Math.cos(r) - y * Math.sin(r), x * Math.sin(r) + y * Math.cos(r)] as Point);
    expect(minFeret(rot)).toBeCloseTo(20, 10);
  });

  it('matches a brute-force projection width on random convex polygons', () => {
    const rng = new Rng(42);
    for (let t = 0; t < 8; t++) {
      const poly = randomConvex(rng, 6 + rng.int(20));
      const exact = minFeret(poly);
      const brute = bruteWidth(poly);
      // exact is a true minimum: never above the sampled one, and within sampling error below it
      expect(exact).toBeLessThanOrEqual(brute + 1e-9);
      expect(brute - exact).toBeLessThan(1e-4 * brute);
    }
  });

  it('clips a square by a half-plane and measures depth inside it', () => {
    const sq: Point[] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const cut = clipHalfPlane(sq, { a: 1, b: 0, c: 4 }); // x ≤ 4
    expect(area(cut)).toBeCloseTo(40, 12);
    const e = inwardEdges(cut);
    expect(depthIn(e, 2, 5)).toBeCloseTo(2, 12);
    expect(depthIn(e, 3.5, 5)).toBeCloseTo(0.5, 12);
    expect(depthIn(e, 5, 5)).toBeCloseTo(-1, 12);
  });
});
