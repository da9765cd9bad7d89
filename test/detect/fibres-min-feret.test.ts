import { describe, expect, it } from 'vitest';
import { convexHull, minFeret, type Point } from '../../src/image/min-feret.js';

const rotate = (pts: Point[], a: number, cx = 0, cy = 0): Point[] =>
  pts.map((p) => ({ x: cx + p.x * Math.cos(a) - p.y * Math.sin(a), y: cy + p.x * Math.sin(a) + p.y * Math.cos(a) }));

const regular = (n: number, r: number): Point[] =>
  Array.from({ length: n }, (_, k) => ({ x: r * Math.cos((2 * Math.PI * k) / n), y: r * Math.sin((2 * Math.PI * k) / n) }));

describe('convexHull', () => {
  it('drops interior, collinear and repeated points', () => {
    const pts = [
      { x: 0, y: 0 }, { x: 2, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 3 }, { x: 0, y: 3 },
      { x: 1, y: 1 }, { x: 2, y: 2 }, { x: 4, y: 3 }, { x: 0, y: 1.5 },
    ];
    const h = convexHull(pts);
    expect(h).toHaveLength(4);
    expect(h).toEqual(expect.arrayContaining([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 3 }, { x: 0, y: 3 }]));
  });
});

describe('minFeret', () => {
  it('is the short side of a rectangle at any rotation', () => {
    const rect = [{ x: -5, y: -2 }, { x: 5, y: -2 }, { x: 5, y: 2 }, { x: -5, y: 2 }];
    for (const a of [0, 0.1, Math.PI / 6, Math.PI / 4, 1.2, Math.PI / 2, 2.5]) {
      const f = minFeret(rotate(rect, a, 100, -40));
      expect(f.diameter).toBeCloseTo(4, 10);
      // caliper lines run along the long side
      expect(Math.abs(Math.sin(f.angle - a))).toBeCloseTo(0, 10);
    }
  });

  it('is exact on regular polygons and triangles', () => {
    // hexagon of circumradius r: width across flats r·√3
    expect(minFeret(rotate(regular(6, 10), 0.3)).diameter).toBeCloseTo(10 * Math.sqrt(3), 10);
    // square of circumradius r: side r·√2 (not the diagonal)
    expect(minFeret(regular(4, 10)).diameter).toBeCloseTo(10 * Math.SQRT2, 10);
    // equilateral triangle of side a: its height a·√3/2
    const tri = [{ x: 0, y: 0 }, { x: 6, y: 0 }, { x: 3, y: 3 * Math.sqrt(3) }];
    expect(minFeret(tri).diameter).toBeCloseTo(3 * Math.sqrt(3), 10);
    // obtuse triangle: the smallest height is onto the longest side
    const obtuse = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 2, y: 1 }];
    expect(minFeret(obtuse).diameter).toBeCloseTo(1, 10);
  });

  it('ignores interior points and agrees with a brute-force search over directions', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 20; trial++) {
      const pts = Array.from({ length: 40 }, () => ({ x: rnd() * 50, y: rnd() * 20 + rnd() * 30 }));
      let brute = Infinity;
      for (let k = 0; k < 20000; k++) {
        const a = (Math.PI * k) / 20000;
        let lo = Infinity;
        let hi = -Infinity;
        for (const p of pts) {
          const d = -p.x * Math.sin(a) + p.y * Math.cos(a);
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
        brute = Math.min(brute, hi - lo);
      }
      const f = minFeret(pts).diameter;
      expect(f).toBeLessThanOrEqual(brute + 1e-9);
      // the width has a kink at its minimum: a 1e-4 rad grid overshoots by ≤ ~span·1e-4
      expect(brute - f).toBeLessThan(0.01);
    }
  });

  it('is 0 for degenerate sets', () => {
    expect(minFeret([]).diameter).toBe(0);
    expect(minFeret([{ x: 1, y: 1 }, { x: 1, y: 1 }]).diameter).toBe(0);
    expect(minFeret([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }]).diameter).toBe(0);
  });
});
