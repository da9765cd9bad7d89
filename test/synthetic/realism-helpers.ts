/** Test helpers: truth geometry (µm) as pixel tests, optical density, Laplacian energy. */
import type { RgbRaster } from '../../src/image/raster.js';
import type { TruthArtefact } from '../../src/synthetic/realism/index.js';

type Pt = readonly [number, number];

export function inPolygon(poly: readonly Pt[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function distanceToPolygon(poly: readonly Pt[], x: number, y: number): number {
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ax, ay] = poly[j];
    const [bx, by] = poly[i];
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

/**
 * Signed depth (µm) of a point in an artefact's truth geometry: positive inside, negative
 * outside. Focus patches count out to where their blend reaches zero when `reach` is asked for.
 */
export function depthInArtefact(a: TruthArtefact, x: number, y: number, reach = false): number {
  const s = a.shape;
  // far from the bounding box the exact depth is not needed: it is below −(distance to the box)
  const b = boxOf(a);
  const far = Math.max(b.x0 - x, x - b.x1, b.y0 - y, y - b.y1);
  if (far > 5) return -far;
  if (s.kind === 'circle') return (reach && a.reachUm ? a.reachUm : s.r) - Math.hypot(x - s.x, y - s.y);
  const d = distanceToPolygon(s.points, x, y);
  return inPolygon(s.points, x, y) ? d : -d;
}

const boxes = new WeakMap<TruthArtefact, { x0: number; y0: number; x1: number; y1: number }>();

/** bounding box (µm) of the artefact, out to its reach */
function boxOf(a: TruthArtefact): { x0: number; y0: number; x1: number; y1: number } {
  let b = boxes.get(a);
  if (!b) {
    const s = a.shape;
    if (s.kind === 'circle') {
      const r = Math.max(s.r, a.reachUm ?? 0);
      b = { x0: s.x - r, y0: s.y - r, x1: s.x + r, y1: s.y + r };
    } else {
      b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      for (const [x, y] of s.points) b = { x0: Math.min(b.x0, x), y0: Math.min(b.y0, y), x1: Math.max(b.x1, x), y1: Math.max(b.y1, y) };
    }
    boxes.set(a, b);
  }
  return b;
}

/** Summed optical density of the three channels against I0. */
export function od(img: RgbRaster, p: number, i0: number): number {
  let s = 0;
  for (let c = 0; c < 3; c++) s += -Math.log10(Math.max(1, img.data[3 * p + c]) / i0);
  return s;
}

/** Variance of the 4-neighbour Laplacian of the channel mean over the pixels `keep` accepts. */
export function laplacianVariance(img: RgbRaster, keep: (x: number, y: number) => boolean): number {
  const { width: w, height: h, data } = img;
  const g = (x: number, y: number): number => (data[3 * (y * w + x)] + data[3 * (y * w + x) + 1] + data[3 * (y * w + x) + 2]) / 3;
  let s = 0, s2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      if (!keep(x, y)) continue;
      const l = g(x - 1, y) + g(x + 1, y) + g(x, y - 1) + g(x, y + 1) - 4 * g(x, y);
      s += l;
      s2 += l * l;
      n++;
    }
  }
  return s2 / n - (s / n) ** 2;
}
