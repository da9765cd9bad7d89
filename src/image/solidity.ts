import { convexHull, type Point } from './min-feret.js';

/** Area of a simple polygon (shoelace), in the points' units squared. */
export function polygonArea(p: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < p.length; i++) {
    const q = p[(i + 1) % p.length];
    a += p[i].x * q.y - q.x * p[i].y;
  }
  return Math.abs(a) / 2;
}

/**
 * Solidity (pixel area / convex-hull area, at most 1) of a pixel region given the outer corners of
 * its row runs' ends, pushed per run as (x0, y), (x0, y + 1), (x1 + 1, y), (x1 + 1, y + 1) — as
 * fibre segmentation collects them. The hull of the outer corners stands about half a pixel
 * outside the shape all round and the hull of the pixel centres about as far inside, so their mean
 * is the shape's own hull at any pixel size; with the corner hull alone a narrow fibre read ~4
 * points less solid at 1 µm/px than at 0.5 µm/px (lab-realism seed 5043: 0.829 → 0.787).
 */
export function regionSolidity(areaPx: number, runCorners: readonly Point[]): number {
  // within each run's four corners, the first two are its left end and the last two its right end
  const centres = runCorners.map((p, i) => ({ x: p.x + (i % 4 < 2 ? 0.5 : -0.5), y: p.y + (i % 2 === 0 ? 0.5 : -0.5) }));
  const hull = (polygonArea(convexHull(runCorners)) + polygonArea(convexHull(centres))) / 2;
  return hull > 0 ? Math.min(1, areaPx / hull) : 1;
}
