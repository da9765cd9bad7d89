/**
 * Convex polygons of the muscle scene: fibres are Voronoi cells cut by half-planes, so every
 * shape here is convex and these few exact operations suffice.
 */
export type Point = readonly [number, number];

/** Half-plane a·x + b·y ≤ c. */
export interface HalfPlane {
  a: number;
  b: number;
  c: number;
}

/** Sutherland–Hodgman against one half-plane; a convex input stays convex. */
export function clipHalfPlane(poly: readonly Point[], hp: HalfPlane): Point[] {
  const out: Point[] = [];
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const fp = hp.a * p[0] + hp.b * p[1] - hp.c;
    const fq = hp.a * q[0] + hp.b * q[1] - hp.c;
    if (fp <= 0) out.push(p);
    if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

/** Signed shoelace area (positive counter-clockwise in x-right, y-up axes). */
export function signedArea(poly: readonly Point[]): number {
  let s = 0;
  for (let i = 0, n = poly.length; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    s += p[0] * q[1] - q[0] * p[1];
  }
  return s / 2;
}

export function area(poly: readonly Point[]): number {
  return Math.abs(signedArea(poly));
}

export function centroid(poly: readonly Point[]): Point {
  let cx = 0;
  let cy = 0;
  let a2 = 0;
  for (let i = 0, n = poly.length; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const cr = p[0] * q[1] - q[0] * p[1];
    a2 += cr;
    cx += (p[0] + q[0]) * cr;
    cy += (p[1] + q[1]) * cr;
  }
  return [cx / (3 * a2), cy / (3 * a2)];
}

/** Drops vertices closer than `eps` to their predecessor (clipping leaves near-duplicates). */
export function dedupe(poly: readonly Point[], eps = 1e-9): Point[] {
  const out: Point[] = [];
  for (const p of poly) {
    const last = out[out.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) > eps) out.push(p);
  }
  while (out.length > 1 && Math.hypot(out[0][0] - out[out.length - 1][0], out[0][1] - out[out.length - 1][1]) <= eps) out.pop();
  return out;
}

/**
 * Minimal Feret diameter (minimal caliper width) of a convex polygon by rotating calipers: the
 * minimal width is attained with one caliper flush to an edge, and the antipodal vertex of
 * each edge advances monotonically round the polygon. Exact up to floating point.
 */
export function minFeret(poly: readonly Point[]): number {
  const n = poly.length;
  if (n < 3) return 0;
  const sign = signedArea(poly) >= 0 ? 1 : -1;
  const dist = (i: number, k: number): number => {
    // distance of vertex k from the line through edge i (inside is positive for either orientation)
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const ex = q[0] - p[0];
    const ey = q[1] - p[1];
    const len = Math.hypot(ex, ey);
    const r = poly[k % n];
    return (sign * (ex * (r[1] - p[1]) - ey * (r[0] - p[0]))) / len;
  };
  let best = Infinity;
  let j = 1;
  for (let i = 0; i < n; i++) {
    if (j <= i) j = i + 1;
    while (dist(i, j + 1) >= dist(i, j) && j < i + n) j++;
    best = Math.min(best, dist(i, j));
  }
  return best;
}

/**
 * Edge lines of a convex polygon as flat triples (nx, ny, c), (nx, ny) the outward unit normal:
 * a point is inside when c − (nx·x + ny·y) ≥ 0 for every edge, and that value is its distance
 * inward from the edge. Flat so the per-pixel loop reads one array.
 */
export function inwardEdges(poly: readonly Point[]): Float64Array {
  const n = poly.length;
  const [gx, gy] = centroid(poly);
  const e = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    // outward candidate normal; flipped if the centroid lies on its positive side
    let nx = (q[1] - p[1]) / len;
    let ny = -(q[0] - p[0]) / len;
    let c = nx * p[0] + ny * p[1];
    if (c - (nx * gx + ny * gy) < 0) {
      nx = -nx;
      ny = -ny;
      c = -c;
    }
    e[3 * i] = nx;
    e[3 * i + 1] = ny;
    e[3 * i + 2] = c;
  }
  return e;
}

/** Distance inside a convex polygon (negative outside, as the largest violation) from its inward edges. */
export function depthIn(edges: Float64Array, x: number, y: number): number {
  let d = Infinity;
  for (let k = 0; k < edges.length; k += 3) {
    const v = edges[k + 2] - (edges[k] * x + edges[k + 1] * y);
    if (v < d) d = v;
  }
  return d;
}
