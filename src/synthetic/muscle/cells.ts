/**
 * Nuclei and cells of the muscle scene, in pixels: myonuclei under the sarcolemma (a few
 * internal), stromal spindle cells in endomysium and perimysium, and inflammatory cells
 * (lymphocyte-like infiltrates and macrophages) scattered or in clusters, at chosen locations.
 *
 * Locations follow one rule (`locate`) and inflammatory cells are planted with margins around
 * its boundaries, so a classifier whose cut-offs differ a little still gets them right.
 * Clusters follow SCIENCE.md (≥ 10 cells within ~20 µm of each other): members are chained
 * within LINK_UM and everything else inflammatory keeps ISOLATION_UM away, so single-linkage at
 * 20 µm recovers exactly the planted clusters.
 */
import { BucketGrid } from '../cell-grid.js';
import type { Rng } from '../rng.js';
import { CELL_LOCATIONS, type CellLocation, type MuscleConfig } from './options.js';
import { fibreAt, septumDepth, vesselWallDistance, type MuscleTissue } from './tissue.js';

export type CellKind = 'myonucleus' | 'stromal' | 'infiltrate' | 'macrophage';

export interface MuscleCell {
  id: number;
  kind: CellKind;
  x: number;
  y: number;
  /** nucleus semi-axes px and rotation */
  rx: number;
  ry: number;
  angle: number;
  cos: number;
  sin: number;
  /** cell radius px (what DAB covers when the cell is stained) */
  rc: number;
  hOd: number;
  location: CellLocation;
  clusterId: number | null;
  /** the fibre a myonucleus belongs to */
  fibreId: number | null;
  /** myonucleus away from the sarcolemma */
  internal: boolean;
  /** planted DAB OD of the cell (set by the staining step) */
  dab: number;
}

export interface PlantedCluster {
  id: number;
  location: CellLocation;
  members: number[];
}

/** SCIENCE.md: cluster = ≥ 10 cells within ~20 µm of each other */
export const CLUSTER_LINK_UM = 20;
export const CLUSTER_MIN_CELLS = 10;
/** our rule: perivascular = centre within 30 µm of a vessel's outer wall (a few cell diameters) */
export const PERIVASCULAR_UM = 30;
/** planting margins around the location rule (µm) */
const PERIVASCULAR_PLANT_UM = 20;
const AWAY_FROM_VESSEL_UM = 40;
const PERIMYSIAL_DEPTH_UM = 3;
const ENDOMYSIAL_DEPTH_UM = 8;
/** chained cluster members step at most this far from a member (< link distance) */
const CLUSTER_STEP_UM: readonly [number, number] = [8, 16];
/** inflammatory cells of different groups keep this far apart (> link distance) */
const ISOLATION_UM = 26;
/** macrophages planted in each necrotic fibre (myophagocytosis), fewer than a cluster */
const NECROTIC_MACROPHAGES: readonly [number, number] = [3, 6];
/** an inflammatory cell may overlap a fibre edge by at most this much */
const MAX_FIBRE_OVERLAP_UM = 3;

export function isInflammatory(kind: CellKind): boolean {
  return kind === 'infiltrate' || kind === 'macrophage';
}

/** The location rule: perivascular within PERIVASCULAR_UM of a vessel wall, else perimysial in a septum, else endomysial. */
export function locate(tissue: MuscleTissue, mpp: number, x: number, y: number): CellLocation {
  if (vesselWallDistance(tissue, x, y) * mpp <= PERIVASCULAR_UM) return 'perivascular';
  return septumDepth(tissue, x, y).depth < 0 ? 'perimysial' : 'endomysial';
}

export function plantCells(cfg: MuscleConfig, rng: Rng, tissue: MuscleTissue): { cells: MuscleCell[]; clusters: PlantedCluster[] } {
  const { width, height, mpp } = cfg;
  const um = (v: number): number => v / mpp;
  const areaMm2 = (width * height * mpp * mpp) / 1e6;
  const cells: MuscleCell[] = [];
  const gridSize = Math.ceil(um(ISOLATION_UM));
  let grid = new BucketGrid(width, height, gridSize);
  const near: number[] = [];
  const { fibres, vessels } = tissue;

  const make = (kind: CellKind, x: number, y: number, rx: number, ry: number, angle: number, rc: number, hOd: number): MuscleCell => ({
    id: -1, kind, x, y, rx, ry, angle, cos: Math.cos(angle), sin: Math.sin(angle), rc, hOd,
    location: 'endomysial', clusterId: null, fibreId: null, internal: false, dab: 0,
  });
  const free = (c: MuscleCell): boolean => {
    if (c.x < c.rc || c.y < c.rc || c.x > width - 1 - c.rc || c.y > height - 1 - c.rc) return false;
    if (vesselWallDistance(tissue, c.x, c.y) < c.rc + um(1)) return false;
    for (const id of grid.near(c.x, c.y, um(20), near)) {
      const o = cells[id];
      const d = Math.hypot(c.x - o.x, c.y - o.y);
      if (d < Math.max(c.rx, c.ry) + Math.max(o.rx, o.ry) + um(1)) return false;
      // stained cytoplasms may touch (a splitter must cope) but not swallow each other
      if (c.kind === 'macrophage' && o.kind === 'macrophage' && d < 0.75 * (c.rc + o.rc)) return false;
    }
    return true;
  };
  const add = (c: MuscleCell): MuscleCell => {
    c.id = cells.length;
    c.location = locate(tissue, mpp, c.x, c.y);
    cells.push(c);
    grid.add(c.id, c.x, c.y);
    return c;
  };

  // Myonuclei: flattened, along the sarcolemma just inside it (≈ one per 45 µm of perimeter).
  for (const f of fibres) {
    const n = f.poly.length;
    let perimeter = 0;
    for (let i = 0; i < n; i++) perimeter += Math.hypot(f.poly[(i + 1) % n][0] - f.poly[i][0], f.poly[(i + 1) % n][1] - f.poly[i][1]);
    const count = Math.max(1, Math.round((perimeter * mpp) / 45 + rng.uniform(-1, 1)));
    for (let k = 0; k < count; k++) {
      const i = rng.int(n);
      const p = f.poly[i];
      const q = f.poly[(i + 1) % n];
      const t = rng.uniform(0.15, 0.85);
      const rx = um(rng.uniform(4, 5.5));
      const ry = um(rng.uniform(1.3, 1.9));
      // edges hold the outward unit normal: step against it to go under the sarcolemma
      const inward = ry + um(0.3);
      const x = p[0] + t * (q[0] - p[0]) - f.edges[3 * i] * inward;
      const y = p[1] + t * (q[1] - p[1]) - f.edges[3 * i + 1] * inward;
      const c = make('myonucleus', x, y, rx, ry, Math.atan2(q[1] - p[1], q[0] - p[0]), ry + um(0.5), rng.uniform(0.3, 0.55));
      c.fibreId = f.id;
      const at = fibreAt(tissue, c.x, c.y);
      if (at.id !== f.id || at.depth < 0.8 * ry || !free(c)) continue;
      add(c);
    }
    if (rng.next() < 0.06) {
      const x = f.cx + rng.uniform(-0.2, 0.2) * (f.x1 - f.x0);
      const y = f.cy + rng.uniform(-0.2, 0.2) * (f.y1 - f.y0);
      const c = make('myonucleus', x, y, um(rng.uniform(3.5, 4.5)), um(rng.uniform(2, 3)), rng.uniform(0, Math.PI), um(4.5), rng.uniform(0.3, 0.5));
      c.fibreId = f.id;
      c.internal = true;
      const at = fibreAt(tissue, x, y);
      if (at.id === f.id && at.depth >= um(8) && free(c)) add(c);
    }
  }

  // Stromal spindle cells: in the endomysium on fibre borders, and in the perimysium.
  const edgePoint = (outward: number): { x: number; y: number; angle: number } | null => {
    if (fibres.length === 0) return null;
    const f = fibres[rng.int(fibres.length)];
    const i = rng.int(f.poly.length);
    const p = f.poly[i];
    const q = f.poly[(i + 1) % f.poly.length];
    const t = rng.uniform(0.1, 0.9);
    // along the outward normal into the endomysium
    return {
      x: p[0] + t * (q[0] - p[0]) + f.edges[3 * i] * outward,
      y: p[1] + t * (q[1] - p[1]) + f.edges[3 * i + 1] * outward,
      angle: Math.atan2(q[1] - p[1], q[0] - p[0]),
    };
  };
  const stromalEndo = Math.round(0.3 * fibres.length);
  for (let k = 0, tries = 0; k < stromalEndo && tries < 20 * stromalEndo; tries++) {
    const e = edgePoint(um(1));
    if (!e) break;
    const c = make('stromal', e.x, e.y, um(rng.uniform(3.5, 5)), um(rng.uniform(1, 1.5)), e.angle, um(2), rng.uniform(0.35, 0.6));
    if (fibreAt(tissue, c.x, c.y).id >= 0 || !free(c)) continue;
    add(c);
    k++;
  }
  const stromalPeri = Math.round(areaMm2 * 60);
  for (let k = 0, tries = 0; k < stromalPeri && tries < 30 * stromalPeri; tries++) {
    const x = rng.uniform(0, width);
    const y = rng.uniform(0, height);
    const c = make('stromal', x, y, um(rng.uniform(3.5, 5.5)), um(rng.uniform(1, 1.6)), rng.uniform(0, Math.PI), um(2), rng.uniform(0.35, 0.6));
    if (septumDepth(tissue, x, y).depth > -um(1) || !free(c)) continue;
    add(c);
    k++;
  }

  // Inflammatory cells.
  const inflammatory = (kind: 'infiltrate' | 'macrophage', x: number, y: number): MuscleCell => {
    if (kind === 'infiltrate') {
      // lymphocyte nucleus ~7 µm across (SCIENCE.md), thin rim of cytoplasm
      const r = rng.uniform(3, 4);
      return make('infiltrate', x, y, um(r * rng.uniform(0.9, 1.1)), um(r * rng.uniform(0.9, 1.1)), rng.uniform(0, Math.PI), um(r + 1.5), rng.uniform(0.5, 0.8));
    }
    return make('macrophage', x, y, um(rng.uniform(4, 5.5)), um(rng.uniform(3, 4.5)), rng.uniform(0, Math.PI), um(rng.uniform(7, 9)), rng.uniform(0.35, 0.55));
  };
  const sample = (loc: CellLocation): { x: number; y: number } | null => {
    // cellIndentUm: an endomysial cell may sit inside the fibre's outline, indenting it
    if (loc === 'endomysial') return edgePoint(um(cfg.cellIndentUm > 0 ? rng.uniform(-cfg.cellIndentUm, 2) : rng.uniform(0, 2)));
    if (loc === 'perimysial') return { x: rng.uniform(0, width), y: rng.uniform(0, height) };
    if (vessels.length === 0) return null;
    const v = vessels[rng.int(vessels.length)];
    const a = rng.uniform(0, 2 * Math.PI);
    const d = v.r + um(rng.uniform(5, PERIVASCULAR_PLANT_UM));
    return { x: v.x + d * Math.cos(a), y: v.y + d * Math.sin(a) };
  };
  /** where an inflammatory cell at `loc` may sit: inside the location with margin, not deep in a fibre */
  const fitsLocation = (c: MuscleCell, loc: CellLocation): boolean => {
    const wall = vesselWallDistance(tissue, c.x, c.y) * mpp;
    if (fibreAt(tissue, c.x, c.y).depth * mpp > Math.max(MAX_FIBRE_OVERLAP_UM, cfg.cellIndentUm)) return false;
    if (loc === 'perivascular') return wall <= PERIVASCULAR_PLANT_UM;
    if (wall < AWAY_FROM_VESSEL_UM) return false;
    const depth = septumDepth(tissue, c.x, c.y).depth * mpp;
    return loc === 'perimysial' ? depth <= -PERIMYSIAL_DEPTH_UM : depth >= ENDOMYSIAL_DEPTH_UM;
  };
  /** no inflammatory cell outside `group` within ISOLATION_UM */
  const isolated = (x: number, y: number, group: number | null): boolean => {
    for (const id of grid.near(x, y, um(ISOLATION_UM), near)) {
      const o = cells[id];
      if (isInflammatory(o.kind) && (group === null || o.clusterId !== group) && Math.hypot(x - o.x, y - o.y) < um(ISOLATION_UM)) return false;
    }
    return true;
  };

  if (cfg.necroticFraction > 0) plantMyophagocytosis();
  /** necrotic fibres (options.ts) hold a few macrophages, planted before any other inflammatory cell and kept apart from other groups as clusters are */
  function plantMyophagocytosis(): void {
    for (const f of fibres) {
      if (!f.necrotic) continue;
      const want = NECROTIC_MACROPHAGES[0] + rng.int(NECROTIC_MACROPHAGES[1] - NECROTIC_MACROPHAGES[0] + 1);
      const mine = new Set<number>();
      for (let t = 0; mine.size < want && t < 40 * want; t++) {
        const c = inflammatory('macrophage', rng.uniform(f.x0, f.x1), rng.uniform(f.y0, f.y1));
        if (fibreAt(tissue, c.x, c.y).id !== f.id || fibreAt(tissue, c.x, c.y).depth < um(3) || !free(c)) continue;
        const alone = grid.near(c.x, c.y, um(ISOLATION_UM), near).every((id) => mine.has(id) || !isInflammatory(cells[id].kind) || Math.hypot(c.x - cells[id].x, c.y - cells[id].y) >= um(ISOLATION_UM));
        if (!alone) continue;
        mine.add(add(c).id);
      }
    }
  }

  const clusters: PlantedCluster[] = [];
  const clusterTarget = cfg.clusters ?? rng.int(4);
  for (let tries = 0; clusters.length < clusterTarget && tries < 30 * Math.max(1, clusterTarget); tries++) {
    const loc = CELL_LOCATIONS[rng.int(3)];
    const size = CLUSTER_MIN_CELLS + rng.int(7);
    const id = clusters.length;
    const p = sample(loc);
    if (!p) continue;
    const first = inflammatory(rng.next() < 0.8 ? 'infiltrate' : 'macrophage', p.x, p.y);
    if (!fitsLocation(first, loc) || !isolated(p.x, p.y, null) || !free(first)) continue;
    first.clusterId = id;
    const members = [add(first).id];
    for (let t = 0; members.length < size && t < 60 * size; t++) {
      const from = cells[members[rng.int(members.length)]];
      const a = rng.uniform(0, 2 * Math.PI);
      const d = um(rng.uniform(CLUSTER_STEP_UM[0], CLUSTER_STEP_UM[1]));
      const c = inflammatory(rng.next() < 0.8 ? 'infiltrate' : 'macrophage', from.x + d * Math.cos(a), from.y + d * Math.sin(a));
      c.clusterId = id;
      if (!fitsLocation(c, loc) || !isolated(c.x, c.y, id) || !free(c)) continue;
      members.push(add(c).id);
    }
    if (members.length < CLUSTER_MIN_CELLS) {
      // too cramped here: take the attempt back (members are the newest cells)
      for (let k = 0; k < members.length; k++) cells.pop();
      grid = new BucketGrid(width, height, gridSize);
      for (const c of cells) grid.add(c.id, c.x, c.y);
      continue;
    }
    clusters.push({ id, location: loc, members });
  }

  const weights = cfg.locationWeights ?? [rng.uniform(0.2, 1), rng.uniform(0.2, 1), rng.uniform(0.2, 1)];
  const scatter = (kind: 'infiltrate' | 'macrophage', perMm2: number): void => {
    const target = Math.round(perMm2 * areaMm2);
    for (let k = 0, tries = 0; k < target && tries < 200 * target; tries++) {
      const loc = CELL_LOCATIONS[rng.pick(weights)];
      const p = sample(loc);
      if (!p) continue;
      const c = inflammatory(kind, p.x, p.y);
      if (!fitsLocation(c, loc) || !isolated(c.x, c.y, null) || !free(c)) continue;
      add(c);
      k++;
    }
  };
  scatter('infiltrate', cfg.infiltratesPerMm2 ?? rng.uniform(20, 100));
  scatter('macrophage', cfg.macrophagesPerMm2 ?? rng.uniform(30, 120));
  return { cells, clusters };
}
