import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { findClusters, type PointLike } from '../../src/score/clusters.js';

function chain(n: number, x0: number, y0: number, step: number): PointLike[] {
  return Array.from({ length: n }, (_, i) => ({ x: x0 + i * step, y: y0 }));
}

/** O(n²) reference: flood fill over all pairs. */
function bruteComponents(p: readonly PointLike[], link: number, min: number): number[][] {
  const seen = new Array(p.length).fill(false);
  const out: number[][] = [];
  for (let s = 0; s < p.length; s++) {
    if (seen[s]) continue;
    const comp: number[] = [];
    const stack = [s];
    seen[s] = true;
    while (stack.length) {
      const i = stack.pop()!;
      comp.push(i);
      for (let j = 0; j < p.length; j++) {
        if (!seen[j] && Math.hypot(p[i].x - p[j].x, p[i].y - p[j].y) <= link) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
    if (comp.length >= min) out.push(comp.sort((a, b) => a - b));
  }
  return out;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('findClusters', () => {
  it('a chain of 10 cells 19 µm apart is one cluster; 9 cells are none', () => {
    const ten = findClusters(chain(10, 0, 0, 19));
    expect(ten.clusters).toHaveLength(1);
    expect(ten.members[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ten.clusters[0]).toEqual({ id: 0, size: 10, x: 4.5 * 19, y: 0 });
    const nine = findClusters(chain(9, 0, 0, 19));
    expect(nine.clusters).toHaveLength(0);
    expect([...nine.clusterOf]).toEqual(new Array(9).fill(-1));
  });

  it('links at exactly 20 µm and not beyond', () => {
    expect(findClusters(chain(10, 3, 7, 20)).clusters).toHaveLength(1);
    expect(findClusters(chain(10, 3, 7, 20.001)).clusters).toHaveLength(0);
    // a diagonal link of exactly 12-16-20 crosses bucket corners
    const diag = Array.from({ length: 10 }, (_, i) => ({ x: -50 + 12 * i, y: -50 + 16 * i }));
    expect(findClusters(diag).members).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it('separates two groups 25 µm apart and drops the stray cells, with exact membership', () => {
    // group A: 10-cell chain at y = 200; group B: 3×4 grid spaced 10 µm at y = 0..30, x = 0..20;
    // strays: a pair 15 µm apart, and a cell 25 µm right of B's corner
    const a = chain(10, 0, 200, 15); // indices 0..9
    const b: PointLike[] = [];
    for (let r = 0; r < 4; r++) for (let c = 0; c < 3; c++) b.push({ x: c * 10, y: r * 10 }); // 10..21
    const strays = [{ x: 500, y: 500 }, { x: 515, y: 500 }, { x: 45, y: 30 }]; // 22..24
    const res = findClusters([...a, ...b, ...strays]);
    expect(res.clusters.map((c) => c.size)).toEqual([12, 10]); // B first: its first cell has y = 0
    expect(res.members[0]).toEqual(Array.from({ length: 12 }, (_, i) => 10 + i));
    expect(res.members[1]).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(res.clusters[0].x).toBeCloseTo(10, 12);
    expect(res.clusters[0].y).toBeCloseTo(15, 12);
    expect([...res.clusterOf.slice(22)]).toEqual([-1, -1, -1]);
  });

  it('gives the same clusters and ids whatever the input order', () => {
    const rnd = lcg(7);
    const pts: PointLike[] = [];
    for (let k = 0; k < 6; k++) {
      const cx = rnd() * 2000;
      const cy = rnd() * 2000;
      for (let i = 0; i < 8 + Math.floor(rnd() * 10); i++) pts.push({ x: cx + rnd() * 40, y: cy + rnd() * 40 });
    }
    const perm = pts.map((_, i) => i).sort(() => rnd() - 0.5);
    const a = findClusters(pts);
    const b = findClusters(perm.map((i) => pts[i]));
    expect(b.clusters.map((c) => c.size)).toEqual(a.clusters.map((c) => c.size));
    const asOriginal = b.members.map((m) => m.map((j) => perm[j]).sort((x, y) => x - y));
    expect(asOriginal).toEqual(a.members);
  });

  it('agrees with an all-pairs flood fill on 600 random cells', () => {
    const rnd = lcg(42);
    const pts = Array.from({ length: 600 }, () => ({ x: rnd() * 600 - 100, y: rnd() * 600 - 300 }));
    for (const [link, min] of [[20, 10], [12, 3], [30, 25]] as const) {
      const res = findClusters(pts, { linkUm: link, minCells: min });
      const ref = bruteComponents(pts, link, min);
      expect(res.members.slice().sort((x, y) => x[0] - y[0]), `link ${link}`).toEqual(ref.sort((x, y) => x[0] - y[0]));
      expect(ref.length, `link ${link}`).toBeGreaterThan(0);
    }
  });

  it('still finds clusters exactly when cells lie kilometres apart (coarser grid)', () => {
    const pts = [...chain(10, 0, 0, 20), { x: 5e8, y: 5e8 }, ...chain(10, -3e8, 7e8, 19.5)];
    const res = findClusters(pts);
    expect(res.members).toEqual([Array.from({ length: 10 }, (_, i) => i), Array.from({ length: 10 }, (_, i) => 11 + i)]);
    expect(findClusters([...chain(10, 0, 0, 20.01), { x: 5e8, y: 0 }]).clusters).toEqual([]);
  });

  it('rejects non-finite positions and bad options with AnalysisError', () => {
    expect(() => findClusters([{ x: 0, y: Number.NaN }])).toThrow(AnalysisError);
    expect(() => findClusters([], { linkUm: 0 })).toThrow(/linkUm/);
    expect(findClusters([]).clusters).toEqual([]);
  });
});
