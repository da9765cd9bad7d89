import { pointGrid, type PointGrid } from './point-grid.js';

/**
 * Nearest-neighbour distances and fixed-radius neighbours of fibre centroids, on a point grid:
 * the distances are the all-pairs ones (Math.hypot of the same differences), so every comparison
 * comes out as an all-pairs loop's would, in O(n) per query instead of O(n²) in all.
 */
export interface FibreNeighbours {
  /** per point, the distance to its nearest other point (Infinity when it is alone) */
  nearest: Float64Array;
  /** calls visit(j) for every j ≠ i whose distance to i is not above radius */
  forEachWithin(i: number, radius: number, visit: (j: number) => void): void;
}

export function fibreNeighbours(points: readonly { x: number; y: number }[]): FibreNeighbours {
  const n = points.length;
  const grid = pointGrid(points, binSide(points));
  const { cols, rows, start, order, xs, ys, binOf, side } = grid;
  const distance = (i: number, k: number) => Math.hypot(points[i].x - xs[k], points[i].y - ys[k]);

  const nearest = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const cx = binOf[i] % cols;
    const cy = (binOf[i] - cx) / cols;
    let best = Infinity;
    for (let r = 0; r <= Math.max(cols, rows); r++) {
      visitRing(grid, cx, cy, r, (k) => {
        if (order[k] === i) return;
        const d = distance(i, k);
        if (d < best) best = d;
      });
      // a point beyond ring r lies at least r bins away; half a bin spares the rounding of binning
      if (best <= (r - 0.5) * side) break;
    }
    nearest[i] = best;
  }

  return {
    nearest,
    forEachWithin(i, radius, visit) {
      if (!Number.isFinite(radius)) {
        for (let j = 0; j < n; j++) if (j !== i && !(Math.hypot(points[i].x - points[j].x, points[i].y - points[j].y) > radius)) visit(j);
        return;
      }
      const cx = binOf[i] % cols;
      const cy = (binOf[i] - cx) / cols;
      const reach = Math.ceil(radius / side) + 1;
      for (let y = Math.max(0, cy - reach); y <= Math.min(rows - 1, cy + reach); y++) {
        for (let x = Math.max(0, cx - reach); x <= Math.min(cols - 1, cx + reach); x++) {
          const b = y * cols + x;
          for (let k = start[b]; k < start[b + 1]; k++) if (order[k] !== i && !(distance(i, k) > radius)) visit(order[k]);
        }
      }
    },
  };
}

/** about one point per bin over the points' bounding box; any positive side when they coincide */
function binSide(points: readonly { x: number; y: number }[]): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const w = maxX - minX;
  const h = maxY - minY;
  const side = Math.max(Math.sqrt((w * h) / Math.max(1, points.length)), (w + h) / Math.max(1, points.length));
  return side > 0 && Number.isFinite(side) ? side : 1;
}

/** the bins at Chebyshev distance r from (cx, cy), clipped to the grid */
function visitRing(grid: PointGrid, cx: number, cy: number, r: number, visit: (slot: number) => void): void {
  const { cols, rows, start } = grid;
  const bin = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= cols || y >= rows) return;
    const b = y * cols + x;
    for (let k = start[b]; k < start[b + 1]; k++) visit(k);
  };
  if (r === 0) return bin(cx, cy);
  for (let x = cx - r; x <= cx + r; x++) {
    bin(x, cy - r);
    bin(x, cy + r);
  }
  for (let y = cy - r + 1; y <= cy + r - 1; y++) {
    bin(cx - r, y);
    bin(cx + r, y);
  }
}
