/**
 * Spatial index of planted cells: square buckets, compressed to CSR arrays once planting is
 * done, so a region only visits the cells that can reach it (render cost ∝ pixels, not
 * pixels × cells).
 */
export interface CellGrid {
  /** bucket side in pixels */
  size: number;
  cols: number;
  rows: number;
  /** cells of bucket b are ids[start[b] .. start[b + 1]) in ascending id order */
  start: Int32Array;
  ids: Int32Array;
}

/** Growable buckets used while planting (dart throwing needs neighbour queries as it goes). */
export class BucketGrid {
  readonly cols: number;
  readonly rows: number;
  private readonly buckets: number[][];

  constructor(readonly width: number, readonly height: number, readonly size: number) {
    this.cols = Math.max(1, Math.ceil(width / size));
    this.rows = Math.max(1, Math.ceil(height / size));
    this.buckets = Array.from({ length: this.cols * this.rows }, () => []);
  }

  add(id: number, x: number, y: number): void {
    this.buckets[this.bucketOf(x, y)].push(id);
  }

  /** ids of every item in buckets overlapping [x - r, x + r] × [y - r, y + r] */
  near(x: number, y: number, r: number, out: number[]): number[] {
    out.length = 0;
    const bx0 = Math.max(0, Math.floor((x - r) / this.size));
    const bx1 = Math.min(this.cols - 1, Math.floor((x + r) / this.size));
    const by0 = Math.max(0, Math.floor((y - r) / this.size));
    const by1 = Math.min(this.rows - 1, Math.floor((y + r) / this.size));
    for (let by = by0; by <= by1; by++) {
      for (let bx = bx0; bx <= bx1; bx++) {
        for (const id of this.buckets[by * this.cols + bx]) out.push(id);
      }
    }
    return out;
  }

  freeze(): CellGrid {
    const n = this.buckets.length;
    const start = new Int32Array(n + 1);
    for (let b = 0; b < n; b++) start[b + 1] = start[b] + this.buckets[b].length;
    const ids = new Int32Array(start[n]);
    for (let b = 0; b < n; b++) {
      const sorted = [...this.buckets[b]].sort((a, c) => a - c);
      ids.set(sorted, start[b]);
    }
    return { size: this.size, cols: this.cols, rows: this.rows, start, ids };
  }

  private bucketOf(x: number, y: number): number {
    const bx = Math.min(this.cols - 1, Math.max(0, Math.floor(x / this.size)));
    const by = Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.size)));
    return by * this.cols + bx;
  }
}

/**
 * Calls `visit(id)` for every cell whose bucket overlaps the rectangle grown by `reach` px.
 * Buckets are visited row-major, so the order is a global one (region-independent).
 */
export function forEachCellNear(grid: CellGrid, x0: number, y0: number, x1: number, y1: number, reach: number, visit: (id: number) => void): void {
  const bx0 = Math.max(0, Math.floor((x0 - reach) / grid.size));
  const bx1 = Math.min(grid.cols - 1, Math.floor((x1 + reach) / grid.size));
  const by0 = Math.max(0, Math.floor((y0 - reach) / grid.size));
  const by1 = Math.min(grid.rows - 1, Math.floor((y1 + reach) / grid.size));
  for (let by = by0; by <= by1; by++) {
    for (let bx = bx0; bx <= bx1; bx++) {
      const b = by * grid.cols + bx;
      for (let k = grid.start[b]; k < grid.start[b + 1]; k++) visit(grid.ids[k]);
    }
  }
}
