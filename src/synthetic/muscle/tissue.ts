/**
 * Muscle architecture in pixels: fascicles (Voronoi cells of a jittered grid) separated by
 * perimysial septa, fibres (Voronoi cells of a finer jittered grid, each cut back by half the
 * endomysium gap and by the septa), and vessels sitting in the septa.
 *
 * Septum width and endomysium gap are hashes of the pair of seeds they separate, so both sides
 * of a boundary agree without storing anything per pair.
 */
import { BucketGrid } from '../cell-grid.js';
import { Rng, hashNoise } from '../rng.js';
import type { MuscleConfig } from './options.js';
import { fibreDraw, roundCorners, seedWeight } from './fibre-shape.js';
import { area, centroid, clipHalfPlane, dedupe, depthIn, inwardEdges, minFeret, type HalfPlane, type Point } from './polygon.js';

/** A regular grid of jittered seeds, indexed by cell (seeds exist for every cell, some off-image). */
export interface SeedGrid {
  spacing: number;
  /** grid cell (0, 0) starts at (origin, origin) */
  origin: number;
  cols: number;
  rows: number;
  x: Float64Array;
  y: Float64Array;
}

export interface Fibre {
  id: number;
  /** index of its seed in the fibre SeedGrid */
  seed: number;
  /** convex polygon, px */
  poly: Point[];
  edges: Float64Array;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  areaPx: number;
  minFeretPx: number;
  cx: number;
  cy: number;
  fascicle: number;
  /** the fibre borders a perimysial septum (one of its edges is a septum cut) */
  perifascicular: boolean;
  /** the polygon was cut by the image border */
  touchesEdge: boolean;
  /** necrotic: pale sarcoplasm, invaded by macrophages (options.ts necroticFraction) */
  necrotic: boolean;
}

export interface Vessel {
  id: number;
  x: number;
  y: number;
  /** outer radius px */
  r: number;
  /** wall thickness px */
  wall: number;
}

export interface MuscleTissue {
  fascicles: SeedGrid;
  fibreSeeds: SeedGrid;
  /** fibre id per fibre-seed cell, −1 where the cell gave no fibre */
  fibreOfSeed: Int32Array;
  fibres: Fibre[];
  vessels: Vessel[];
  /** vessel ids by position, so distance queries stay local on large slides */
  vesselGrid: BucketGrid;
  /** px: how far vessel queries look; farther vessels read as infinitely far */
  vesselReach: number;
  septumSeed: number;
  gapSeed: number;
  /** px ranges */
  septumPx: readonly [number, number];
  gapPx: readonly [number, number];
}

/** smaller cuts — slivers at the image border or against a septum — are left as connective tissue */
const MIN_FIBRE_AREA_UM2 = 600;
const MIN_FIBRE_FERET_UM = 15;
/** an atrophic fibre keeps at least this minimal Feret (µm) */
const ATROPHIC_MIN_FERET_UM = 8;
/** vessel rings 10–30 µm across (brief): outer radius up to this (µm) */
export const MAX_VESSEL_RADIUS_UM = 15;
/** vessel distance queries reach this far (µm) from a wall: beyond every location margin and vessel spacing */
const VESSEL_REACH_UM = 80;
/** vessels keep at least this much tissue (µm) between their walls */
const VESSEL_SPACING_UM = 60;
/** seeds move at most this fraction of the spacing, so a Voronoi neighbour is within two cells */
const JITTER = 0.35;

export function seedGrid(rng: Rng, spacing: number, width: number, height: number, pad: number): SeedGrid {
  const origin = -pad * spacing;
  const cols = Math.ceil((width + 2 * pad * spacing) / spacing);
  const rows = Math.ceil((height + 2 * pad * spacing) / spacing);
  const x = new Float64Array(cols * rows);
  const y = new Float64Array(cols * rows);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const k = j * cols + i;
      x[k] = origin + (i + 0.5 + rng.uniform(-JITTER, JITTER)) * spacing;
      y[k] = origin + (j + 0.5 + rng.uniform(-JITTER, JITTER)) * spacing;
    }
  }
  return { spacing, origin, cols, rows, x, y };
}

/** Calls visit(k) for the seeds of the 5×5 cells around (x, y): they include every Voronoi neighbour. */
export function forNearSeeds(g: SeedGrid, x: number, y: number, visit: (k: number) => void): void {
  const ci = Math.floor((x - g.origin) / g.spacing);
  const cj = Math.floor((y - g.origin) / g.spacing);
  for (let j = Math.max(0, cj - 2); j <= Math.min(g.rows - 1, cj + 2); j++) {
    for (let i = Math.max(0, ci - 2); i <= Math.min(g.cols - 1, ci + 2); i++) visit(j * g.cols + i);
  }
}

export function nearestSeed(g: SeedGrid, x: number, y: number): number {
  let best = -1;
  let bd = Infinity;
  forNearSeeds(g, x, y, (k) => {
    const d = (g.x[k] - x) ** 2 + (g.y[k] - y) ** 2;
    if (d < bd) {
      bd = d;
      best = k;
    }
  });
  return best;
}

/** Calls visit(fibre id) for every fibre that can reach the rectangle [x0, x1] × [y0, y1] (px). */
export function forFibresIn(t: MuscleTissue, x0: number, y0: number, x1: number, y1: number, visit: (id: number) => void): void {
  const g = t.fibreSeeds;
  // a fibre lies inside its seed's Voronoi cell, within two grid cells of the seed
  const i0 = Math.max(0, Math.floor((x0 - g.origin) / g.spacing) - 2);
  const i1 = Math.min(g.cols - 1, Math.floor((x1 - g.origin) / g.spacing) + 2);
  const j0 = Math.max(0, Math.floor((y0 - g.origin) / g.spacing) - 2);
  const j1 = Math.min(g.rows - 1, Math.floor((y1 - g.origin) / g.spacing) + 2);
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      const f = t.fibreOfSeed[j * g.cols + i];
      if (f >= 0) visit(f);
    }
  }
}

/** px from the nearest vessel's outer wall (negative inside a vessel); Infinity beyond vesselReach. */
export function vesselWallDistance(t: MuscleTissue, x: number, y: number): number {
  let d = Infinity;
  for (const id of t.vesselGrid.near(x, y, t.vesselReach, nearScratch)) {
    const v = t.vessels[id];
    d = Math.min(d, Math.hypot(x - v.x, y - v.y) - v.r);
  }
  return d <= t.vesselReach ? d : Infinity;
}
const nearScratch: number[] = [];

/** The vessel whose outer wall encloses (x, y) (px), or −1. */
export function vesselAt(t: MuscleTissue, x: number, y: number): number {
  for (const id of t.vesselGrid.near(x, y, t.vesselReach, nearScratch)) {
    const v = t.vessels[id];
    if (Math.hypot(x - v.x, y - v.y) <= v.r) return id;
  }
  return -1;
}

/** Value in [lo, hi] shared by the unordered pair (a, b). */
function pairValue(seed: number, a: number, b: number, lo: number, hi: number): number {
  return lo + (hi - lo) * hashNoise(seed, Math.min(a, b), Math.max(a, b));
}

/** The half-plane of points at least `margin` px on a's side of the bisector of seeds a and b. */
function sideOf(ax: number, ay: number, bx: number, by: number, margin: number): HalfPlane {
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.hypot(dx, dy);
  return { a: dx / len, b: dy / len, c: (bx * bx + by * by - ax * ax - ay * ay) / (2 * len) - margin };
}

export function septumWidth(t: MuscleTissue, a: number, b: number): number {
  return pairValue(t.septumSeed, a, b, t.septumPx[0], t.septumPx[1]);
}

/**
 * Signed distance (px) from the edge of the perimysium: negative inside a septum, positive
 * inside a fascicle. Also which fascicle the point is nearest to.
 */
export function septumDepth(t: MuscleTissue, x: number, y: number): { fascicle: number; depth: number } {
  const g = t.fascicles;
  const a = nearestSeed(g, x, y);
  let depth = Infinity;
  forNearSeeds(g, g.x[a], g.y[a], (b) => {
    if (b === a) return;
    const hp = sideOf(g.x[a], g.y[a], g.x[b], g.y[b], 0);
    // distance to the bisector, minus half the septum
    const d = hp.c - (hp.a * x + hp.b * y) - septumWidth(t, a, b) / 2;
    if (d < depth) depth = d;
  });
  return { fascicle: a, depth };
}

/** The fibre containing (x, y) and how deep inside it the point is, or id −1. */
export function fibreAt(t: MuscleTissue, x: number, y: number): { id: number; depth: number } {
  let id = -1;
  let depth = -Infinity;
  forNearSeeds(t.fibreSeeds, x, y, (k) => {
    const f = t.fibreOfSeed[k];
    if (f < 0) return;
    const d = depthIn(t.fibres[f].edges, x, y);
    if (d > depth) {
      depth = d;
      id = f;
    }
  });
  return depth >= 0 ? { id, depth } : { id: -1, depth };
}

export function buildTissue(cfg: MuscleConfig, rng: Rng): MuscleTissue {
  const { width, height, mpp, seed } = cfg;
  const um = (v: number): number => v / mpp;
  const fascicleSpacing = um(cfg.fascicleSpacingUm ?? rng.uniform(350, 550));
  const fibreSpacing = um(cfg.fibreSpacingUm ?? rng.uniform(50, 65));
  const fascicles = seedGrid(rng, fascicleSpacing, width, height, 1);
  const fibreSeeds = seedGrid(rng, fibreSpacing, width, height, 2);
  const tissue: MuscleTissue = {
    fascicles,
    fibreSeeds,
    fibreOfSeed: new Int32Array(fibreSeeds.x.length).fill(-1),
    fibres: [],
    vessels: [],
    vesselGrid: new BucketGrid(width, height, Math.ceil(um(VESSEL_REACH_UM))),
    vesselReach: um(VESSEL_REACH_UM),
    septumSeed: (seed * 7919 + 101) | 0,
    gapSeed: (seed * 7919 + 103) | 0,
    septumPx: [um(cfg.septumUm[0]), um(cfg.septumUm[1])],
    gapPx: [um(cfg.endomysiumUm[0]), um(cfg.endomysiumUm[1])],
  };
  const minArea = MIN_FIBRE_AREA_UM2 / (mpp * mpp);
  const border: HalfPlane[] = [
    { a: -1, b: 0, c: 0 },
    { a: 1, b: 0, c: width - 1 },
    { a: 0, b: -1, c: 0 },
    { a: 0, b: 1, c: height - 1 },
  ];
  const g = fibreSeeds;
  const fg = fascicles;
  const shapeSeed = (seed * 7919 + 107) | 0;
  const spread = cfg.fibreSizeSpread;
  const weight = seedWeights(cfg, tissue, shapeSeed);
  // atrophic fibres are small by choice, not slivers of a cut: they keep a lower floor
  const atrophic = (k: number): boolean => weight !== null && weight.atrophic[k] === 1;
  for (let k = 0; k < g.x.length; k++) {
    const sx = g.x[k];
    const sy = g.y[k];
    const half = 2.5 * g.spacing;
    let poly: Point[] = [
      [sx - half, sy - half],
      [sx + half, sy - half],
      [sx + half, sy + half],
      [sx - half, sy + half],
    ];
    forNearSeeds(g, sx, sy, (q) => {
      if (q === k || poly.length === 0) return;
      const margin = pairValue(tissue.gapSeed, k, q, tissue.gapPx[0], tissue.gapPx[1]) / 2;
      // power diagram: the bisector moves (w_k − w_q) / (2·|s_k − s_q|) towards the lighter seed
      const shift = weight ? (weight.w[k] - weight.w[q]) / (2 * Math.hypot(g.x[q] - sx, g.y[q] - sy)) : 0;
      poly = clipHalfPlane(poly, sideOf(sx, sy, g.x[q], g.y[q], weight ? margin - shift : margin));
    });
    const a = nearestSeed(fg, sx, sy);
    const septa: HalfPlane[] = [];
    forNearSeeds(fg, fg.x[a], fg.y[a], (b) => {
      if (b !== a) septa.push(sideOf(fg.x[a], fg.y[a], fg.x[b], fg.y[b], septumWidth(tissue, a, b) / 2));
    });
    for (const hp of septa) if (poly.length > 0) poly = clipHalfPlane(poly, hp);
    for (const hp of border) if (poly.length > 0) poly = clipHalfPlane(poly, hp);
    poly = dedupe(poly, 1e-7);
    if (poly.length < 3) continue;
    if (atrophic(k) ? minFeret(poly) * mpp < ATROPHIC_MIN_FERET_UM : area(poly) < minArea || minFeret(poly) * mpp < MIN_FIBRE_FERET_UM) continue;
    const on = (hp: HalfPlane): boolean => poly.some((p) => Math.abs(hp.a * p[0] + hp.b * p[1] - hp.c) < 1e-6);
    // a vertex on a septum line means that cut shaped the polygon
    const perifascicular = septa.some(on);
    const touchesEdge = border.some(on);
    poly = reshape(cfg, poly, shapeSeed, k);
    const [cx, cy] = centroid(poly);
    const xs = poly.map((p) => p[0]);
    const ys = poly.map((p) => p[1]);
    const id = tissue.fibres.length;
    tissue.fibreOfSeed[k] = id;
    tissue.fibres.push({
      id,
      seed: k,
      poly,
      edges: inwardEdges(poly),
      x0: Math.max(0, Math.floor(Math.min(...xs))),
      y0: Math.max(0, Math.floor(Math.min(...ys))),
      x1: Math.min(width - 1, Math.ceil(Math.max(...xs))),
      y1: Math.min(height - 1, Math.ceil(Math.max(...ys))),
      areaPx: area(poly),
      minFeretPx: minFeret(poly),
      cx,
      cy,
      fascicle: a,
      perifascicular,
      touchesEdge,
      necrotic: cfg.necroticFraction > 0 && fibreDraw(shapeSeed, k, 3) < cfg.necroticFraction,
    });
  }
  return tissue;
}

/**
 * Power-diagram weights per fibre seed (px²), or null when no option asks for them: the size
 * spread, and atrophy. An atrophic seed (a drawn share, and with perifascicularAtrophy every seed
 * within one fibre spacing of a septum) gets weight −d²(1 − s) for its linear scale s: the
 * bisectors move in to about s·d/2 from it, so the fibre is small while its neighbours grow to
 * fill the space, as in atrophic muscle (no hole of connective tissue opens round it).
 */
function seedWeights(cfg: MuscleConfig, tissue: MuscleTissue, shapeSeed: number): { w: Float64Array; atrophic: Uint8Array } | null {
  const spread = cfg.fibreSizeSpread;
  const pf = cfg.perifascicularAtrophy;
  if (!(spread > 0) && !(cfg.atrophyFraction > 0) && !pf) return null;
  const g = tissue.fibreSeeds;
  const d2 = g.spacing * g.spacing;
  const w = new Float64Array(g.x.length);
  const atrophic = new Uint8Array(g.x.length);
  const [lo, hi] = cfg.atrophyScale;
  for (let k = 0; k < w.length; k++) {
    if (spread > 0) w[k] = seedWeight(shapeSeed, k, g.spacing, spread);
    let s = 1;
    if (cfg.atrophyFraction > 0 && fibreDraw(shapeSeed, k, 0) < cfg.atrophyFraction) s = lo + (hi - lo) * fibreDraw(shapeSeed, k, 1);
    if (pf && septumDepth(tissue, g.x[k], g.y[k]).depth < g.spacing) s = Math.min(s, pf[0] + (pf[1] - pf[0]) * fibreDraw(shapeSeed, k, 2));
    if (s < 1) {
      w[k] -= d2 * (1 - s);
      atrophic[k] = 1;
    }
  }
  return { w, atrophic };
}

/** Rounded corners (options.ts fibreRoundness); the polygon itself when not asked for. */
function reshape(cfg: MuscleConfig, poly: Point[], shapeSeed: number, k: number): Point[] {
  const round = cfg.fibreRoundness;
  if (!round) return poly;
  const u = round[0] + (round[1] - round[0]) * fibreDraw(shapeSeed, k, 4);
  return roundCorners(poly, (u * minFeret(poly)) / 2);
}

/** Vessels in the septa: the whole ring stays inside the perimysium, apart from each other. */
export function plantVessels(cfg: MuscleConfig, rng: Rng, tissue: MuscleTissue): void {
  const { width, height, mpp } = cfg;
  const um = (v: number): number => v / mpp;
  const areaMm2 = (width * height * mpp * mpp) / 1e6;
  const target = Math.round((cfg.vesselsPerMm2 ?? rng.uniform(3, 8)) * areaMm2);
  const margin = um(40);
  for (let tries = 0; tissue.vessels.length < target && tries < 400 * Math.max(1, target); tries++) {
    // rings 10–30 µm across (brief); wall 2 µm up to 5 µm, always leaving a lumen
    const [rLo, rHi] = cfg.vesselRadiusUm ?? [5, MAX_VESSEL_RADIUS_UM];
    const r = um(rng.uniform(rLo, rHi));
    // larger vessels (vesselRadiusUm) may have walls up to a quarter of their radius
    const wall = um(rng.uniform(2, Math.min(cfg.vesselRadiusUm ? Math.max(5, 0.25 * r * mpp) : 5, r * mpp - 2)));
    const x = rng.uniform(margin, width - margin);
    const y = rng.uniform(margin, height - margin);
    if (septumDepth(tissue, x, y).depth > -(r + um(1))) continue;
    if (vesselWallDistance(tissue, x, y) < r + um(VESSEL_SPACING_UM)) continue;
    const id = tissue.vessels.length;
    tissue.vessels.push({ id, x, y, r, wall });
    tissue.vesselGrid.add(id, x, y);
  }
}
