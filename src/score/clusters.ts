import { z } from 'zod';
import { AnalysisError } from '../errors/index.js';
import { findRoot } from '../image/union-find.js';
import { pointGrid } from './point-grid.js';

/**
 * Infiltrate clusters (SCIENCE.md "Scores": ≥10 cells within ~20 µm of each other): connected
 * components of the graph linking two cells when their centroids are ≤ `linkUm` apart (single
 * linkage, so a chain of cells 15 µm apart is one cluster), kept when they have ≥ `minCells`.
 */
export const ClusterOptions = z.object({
  linkUm: z.number().positive().default(20),
  minCells: z.number().int().min(1).default(10),
});
export type ClusterOptions = z.infer<typeof ClusterOptions>;
export type ClusterOptionsInput = z.input<typeof ClusterOptions>;

export const Cluster = z.object({
  /** 0.. in order of each cluster's first cell by (y, x): independent of the input order */
  id: z.number().int().nonnegative(),
  size: z.number().int().positive(),
  /** centroid of the member cells, µm */
  x: z.number(),
  y: z.number(),
});
export type Cluster = z.infer<typeof Cluster>;

export interface ClusterResult {
  clusters: Cluster[];
  /** per input cell: its cluster id, or -1 when it is in no kept cluster */
  clusterOf: Int32Array;
  /** per cluster id: input indices of its cells, ascending */
  members: number[][];
}

export interface PointLike {
  x: number;
  y: number;
}

/**
 * Grid buckets of side `linkUm` make it O(n) for tissue densities: a cell's neighbours within the
 * link distance lie in its own or the 8 surrounding buckets (compressed rows, each pair looked at
 * once; the grid coarsens when cells lie so far apart that it would exceed 4 M buckets).
 * Membership and ids do not depend on the order of the input; centroids only up to
 * floating-point summation order.
 */
export function findClusters(points: readonly PointLike[], options: ClusterOptionsInput = {}): ClusterResult {
  const parsed = ClusterOptions.safeParse(options);
  if (!parsed.success) throw new AnalysisError(`clusters: bad options (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  const { linkUm, minCells } = parsed.data;
  const n = points.length;
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new AnalysisError(`clusters: cell ${i} has a non-finite position (${p.x}, ${p.y}) µm`);
  }

  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => findRoot(parent, i);

  // points binned on a grid of side linkUm (coarser when cells lie far apart)
  const { cols, rows, start, order, xs, ys, binOf, side: g } = pointGrid(points, linkUm);
  const reach = Math.ceil(linkUm / g);
  const link2 = linkUm * linkUm;
  for (let k = 0; k < n; k++) {
    const px = xs[k];
    const py = ys[k];
    const bx = binOf[order[k]] % cols;
    const by = (binOf[order[k]] - bx) / cols;
    for (let ry = Math.max(0, by - reach); ry <= Math.min(rows - 1, by + reach); ry++) {
      for (let rx = Math.max(0, bx - reach); rx <= Math.min(cols - 1, bx + reach); rx++) {
        const bin = ry * cols + rx;
        // each pair once: later slots only
        for (let m = Math.max(start[bin], k + 1); m < start[bin + 1]; m++) {
          const ex = xs[m] - px;
          const ey = ys[m] - py;
          if (ex * ex + ey * ey <= link2) {
            const a = find(order[k]);
            const c = find(order[m]);
            if (a !== c) parent[a < c ? c : a] = a < c ? a : c;
          }
        }
      }
    }
  }

  // components, each with its first cell by (y, x, input index) for input-order-free ids
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) size[find(i)]++;
  const first = new Int32Array(n).fill(-1);
  const before = (a: number, b: number): boolean =>
    points[a].y < points[b].y || (points[a].y === points[b].y && (points[a].x < points[b].x || (points[a].x === points[b].x && a < b)));
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (size[r] < minCells) continue;
    if (first[r] < 0 || before(i, first[r])) first[r] = i;
  }
  const roots: number[] = [];
  for (let r = 0; r < n; r++) if (first[r] >= 0) roots.push(r);
  roots.sort((a, b) => (before(first[a], first[b]) ? -1 : 1));

  const idOfRoot = new Map<number, number>();
  roots.forEach((r, id) => idOfRoot.set(r, id));
  const clusterOf = new Int32Array(n).fill(-1);
  const members: number[][] = roots.map(() => []);
  const sx = new Float64Array(roots.length);
  const sy = new Float64Array(roots.length);
  for (let i = 0; i < n; i++) {
    const id = idOfRoot.get(find(i));
    if (id === undefined) continue;
    clusterOf[i] = id;
    members[id].push(i);
    sx[id] += points[i].x;
    sy[id] += points[i].y;
  }
  const clusters = members.map((m, id) => ({ id, size: m.length, x: sx[id] / m.length, y: sy[id] / m.length }));
  return { clusters, clusterOf, members };
}
