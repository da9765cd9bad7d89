/**
 * Minimal Feret diameter (minimal caliper width) of a point set: the smallest distance between
 * two parallel lines enclosing it. It is attained with one line flush with an edge of the convex
 * hull (Toussaint 1983, rotating calipers), so we walk the hull edges with an antipodal pointer
 * that only moves forward: O(h) after the O(n log n) hull.
 *
 * For a pixel region pass the pixel corners (not centres): a rectangle of w × h pixels then has
 * min Feret exactly min(w, h) px, which is what the physical size means.
 */
export interface Point {
  x: number;
  y: number;
}

export interface Feret {
  /** minimal caliper width, in the points' units */
  diameter: number;
  /** direction of the caliper lines (the hull edge), radians in (−π, π] */
  angle: number;
}

const cross = (o: Point, a: Point, b: Point): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Convex hull, counter-clockwise (y up) without collinear or repeated points (Andrew's monotone chain). */
export function convexHull(points: readonly Point[]): Point[] {
  const p = points.slice().sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length < 3) return p.filter((q, i) => i === 0 || q.x !== p[i - 1].x || q.y !== p[i - 1].y);
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** Minimal Feret diameter of the points (0 for fewer than 3 non-collinear points). */
export function minFeret(points: readonly Point[]): Feret {
  const hull = convexHull(points);
  const m = hull.length;
  if (m < 3) {
    const angle = m === 2 ? Math.atan2(hull[1].y - hull[0].y, hull[1].x - hull[0].x) : 0;
    return { diameter: 0, angle };
  }
  let best = Infinity;
  let bestAngle = 0;
  let j = 1;
  for (let i = 0; i < m; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % m];
    // Advance the antipodal vertex while it gets farther from edge a→b (area grows monotonically
    // then shrinks around a convex polygon).
    while (cross(a, b, hull[(j + 1) % m]) > cross(a, b, hull[j])) j = (j + 1) % m;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const width = cross(a, b, hull[j]) / len;
    if (width < best) {
      best = width;
      bestAngle = Math.atan2(b.y - a.y, b.x - a.x);
    }
  }
  return { diameter: best, angle: bestAngle };
}
