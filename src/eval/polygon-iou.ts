/** Polygons as [x, y] vertex lists (either orientation). */
export type Polygon = readonly (readonly [number, number])[];

export function polygonArea(p: Polygon): number {
  let a = 0;
  for (let i = 0; i < p.length; i++) {
    const [x1, y1] = p[i];
    const [x2, y2] = p[(i + 1) % p.length];
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a) / 2;
}

function ccw(p: Polygon): [number, number][] {
  let a = 0;
  for (let i = 0; i < p.length; i++) a += p[i][0] * p[(i + 1) % p.length][1] - p[(i + 1) % p.length][0] * p[i][1];
  const out = p.map(([x, y]) => [x, y] as [number, number]);
  return a < 0 ? out.reverse() : out;
}

/**
 * Intersection area of two convex polygons: Sutherland–Hodgman clipping of one by each edge of
 * the other. Muscle fibres in synthetic truth and segmented fibre outlines (convex hulls) are
 * both convex, which is what makes this exact.
 */
export function convexIntersectionArea(a: Polygon, b: Polygon): number {
  let out = ccw(a);
  const clip = ccw(b);
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const [ax, ay] = clip[i];
    const [bx, by] = clip[(i + 1) % clip.length];
    const side = (p: readonly [number, number]) => (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax);
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const cur = input[j];
      const prev = input[(j + input.length - 1) % input.length];
      const sc = side(cur);
      const sp = side(prev);
      if (sc >= 0) {
        if (sp < 0) out.push(cross(prev, cur, sp, sc));
        out.push(cur);
      } else if (sp >= 0) out.push(cross(prev, cur, sp, sc));
    }
  }
  return out.length < 3 ? 0 : polygonArea(out);
}

function cross(p: readonly [number, number], q: readonly [number, number], sp: number, sq: number): [number, number] {
  const t = sp / (sp - sq);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

export function convexIou(a: Polygon, b: Polygon): number {
  const inter = convexIntersectionArea(a, b);
  const union = polygonArea(a) + polygonArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
