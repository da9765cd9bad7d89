/** Points binned on a square grid, compressed-row buckets (no per-point allocation). */
export interface PointGrid {
  minX: number;
  minY: number;
  /** bin side, µm (the asked-for side, doubled while the grid would exceed maxBins) */
  side: number;
  cols: number;
  rows: number;
  /** bin b holds slots start[b] .. start[b + 1] − 1 */
  start: Int32Array;
  /** per slot: the input index and its coordinates */
  order: Int32Array;
  xs: Float64Array;
  ys: Float64Array;
  /** per input point: its bin */
  binOf: Int32Array;
}

/**
 * Bins finite points (callers check) on a grid of side `side`, coarser when the points lie so far
 * apart that the grid would exceed `maxBins`. Within a bin, slots keep input order.
 */
export function pointGrid(points: readonly { x: number; y: number }[], side: number, maxBins = 4_000_000): PointGrid {
  const n = points.length;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  let g = side;
  while (n > 0 && (Math.floor((maxX - minX) / g) + 1) * (Math.floor((maxY - minY) / g) + 1) > maxBins) g *= 2;
  const cols = n > 0 ? Math.floor((maxX - minX) / g) + 1 : 0;
  const rows = n > 0 ? Math.floor((maxY - minY) / g) + 1 : 0;
  const binOf = new Int32Array(n);
  const start = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++) {
    const b = Math.floor((points[i].y - minY) / g) * cols + Math.floor((points[i].x - minX) / g);
    binOf[i] = b;
    start[b + 1]++;
  }
  for (let b = 0; b < cols * rows; b++) start[b + 1] += start[b];
  const fill = start.slice(0, cols * rows);
  const order = new Int32Array(n);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = fill[binOf[i]]++;
    order[k] = i;
    xs[k] = points[i].x;
    ys[k] = points[i].y;
  }
  return { minX, minY, side: g, cols, rows, start, order, xs, ys, binOf };
}
