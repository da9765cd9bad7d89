/**
 * Issue 18's fibre shapes beyond plain Voronoi polygons, all convex so the scene's exact polygon
 * operations still hold: power-diagram weights (size spread, atrophy: tissue.ts seedWeights) and
 * rounded corners (the polygon eroded, then grown back by a disc: a Minkowski sum of convex shapes
 * is convex).
 */
import { hashNoise } from '../rng.js';
import { convexHull as hullOf } from '../../image/min-feret.js';
import { clipHalfPlane, dedupe, inwardEdges, type Point } from './polygon.js';

/** power-diagram weight of fibre seed k, px²: spacing² × spread × u, u uniform in [−1, 1] */
export function seedWeight(seed: number, k: number, spacing: number, spread: number): number {
  return spacing * spacing * spread * (2 * hashNoise(seed, k, 1) - 1);
}

/** per-fibre value in [0, 1) for an independent draw `what`, on no shared stream */
export function fibreDraw(seed: number, k: number, what: number): number {
  return hashNoise(seed, k, 100 + what);
}

/** The polygon with corners rounded at radius r px (r shrinks until the eroded core is non-empty). */
export function roundCorners(poly: readonly Point[], r: number): Point[] {
  const edges = inwardEdges(poly);
  for (let rr = r; rr > 0.25; rr /= 2) {
    let core: Point[] = poly.slice();
    for (let k = 0; k < edges.length && core.length > 0; k += 3) core = clipHalfPlane(core, { a: edges[k], b: edges[k + 1], c: edges[k + 2] - rr });
    core = dedupe(core, 1e-7);
    if (core.length < 3) continue;
    const sums: Point[] = [];
    const steps = 24;
    for (const [x, y] of core) {
      for (let i = 0; i < steps; i++) {
        const a = (2 * Math.PI * i) / steps;
        sums.push([x + rr * Math.cos(a), y + rr * Math.sin(a)]);
      }
    }
    return convexHull(sums);
  }
  return poly.slice();
}

/** The hull of the measuring code (src/image), on the generator's [x, y] points: counter-clockwise in x-right / y-up axes. */
function convexHull(points: readonly Point[]): Point[] {
  return hullOf(points.map(([x, y]) => ({ x, y }))).map((q): Point => [q.x, q.y]);
}
