import { z } from 'zod';
import { AnalysisError } from '../errors/index.js';
import { HPF_AREA_MM2, InfiltrateParams } from '../domain/params.js';
import { pointGrid } from './point-grid.js';
import { CELL_LOCATIONS, CellLocation, type Locate } from './cell-location.js';
import { Cluster, findClusters } from './clusters.js';

/**
 * Cellular infiltrates by location and the juvenile DM score tool's inflammatory grade per
 * location (SCIENCE.md "Scores"; Wedderburn et al. 2007, validated by Varsani et al. 2015):
 *   <4 positive cells/HPF · ≥4 cells/HPF · one cluster ≥10 cells · >2 clusters in the biopsy · diffuse.
 *
 * HPF: a 20× field, 0.950 mm² (AnalysisParams.infiltrates.hpfAreaMm2; params.ts says why).
 *
 * Grades are reported as an ordinal 0–4 in the tool's order. Precisely:
 *  - cells per HPF is the PEAK: the most counted cells of the location within any HPF-sized disc
 *    (radius √(area/π) = 550 µm) centred on one of them, as a pathologist scores the worst field;
 *  - 0 '<4/HPF': peak < 4;  1 '≥4/HPF': peak ≥ 4;
 *  - 2 'cluster': 1 or 2 clusters (≥10 cells, 20 µm linkage: src/score/clusters.ts) of the location;
 *  - 3 '>2 clusters': 3 or more clusters of the location in the section;
 *  - 4 'diffuse' (own definition): the MEAN over the whole section reaches the ≥4/HPF level
 *    (cells of the location per mm² of tissue × HPF area ≥ 4, i.e. not just one busy field) and
 *    fewer than half of those cells sit in clusters (spread, not clustered);
 *  the highest level met is the grade.
 * A cluster belongs to the location most of its cells have (ties: perivascular, then perimysial,
 * then endomysial — the more specific compartment), since a perivascular cuff often spills
 * into the septum around it.
 *
 * Densities per location are cells of that location per mm² of TISSUE (not of the location's
 * own area), so the three add up to the overall infiltrate density.
 *
 * Which cells count: the tool counts marker-positive cells (CD3+, CD68+ …), so by default cells
 * graded ≥1+; `minGrade: 0` counts every nucleated cell given (e.g. for H&E-like use).
 * Cells inside fibres should be removed first (`outsideFibres`).
 */
export { HPF_AREA_MM2 };

/** The options are AnalysisParams.infiltrates (params.ts: defaults and sources). */
export const InfiltrateOptions = InfiltrateParams;
export type InfiltrateOptions = z.infer<typeof InfiltrateOptions>;
export type InfiltrateOptionsInput = z.input<typeof InfiltrateOptions>;

export const INFILTRATE_GRADE_LABELS = ['<4/HPF', '≥4/HPF', 'cluster', '>2 clusters', 'diffuse'] as const;
export const InfiltrateGradeLabel = z.enum(INFILTRATE_GRADE_LABELS);

export const LocationInfiltrate = z.object({
  cells: z.number().int().nonnegative(),
  /** per mm² of tissue */
  cellsPerMm2: z.number().nonnegative(),
  meanCellsPerHpf: z.number().nonnegative(),
  peakCellsPerHpf: z.number().int().nonnegative(),
  clusters: z.number().int().nonnegative(),
  clusteredCells: z.number().int().nonnegative(),
  largestCluster: z.number().int().nonnegative(),
  grade: z.number().int().min(0).max(4),
  gradeLabel: InfiltrateGradeLabel,
});
export type LocationInfiltrate = z.infer<typeof LocationInfiltrate>;

export const LocatedCluster = Cluster.extend({ location: CellLocation });
export type LocatedCluster = z.infer<typeof LocatedCluster>;

export const InfiltrateScores = z.object({
  tissueAreaMm2: z.number().positive(),
  options: InfiltrateOptions,
  cells: z.number().int().nonnegative(),
  cellsPerMm2: z.number().nonnegative(),
  byLocation: z.object({ endomysial: LocationInfiltrate, perimysial: LocationInfiltrate, perivascular: LocationInfiltrate }),
  clusters: z.array(LocatedCluster),
});
export type InfiltrateScores = z.infer<typeof InfiltrateScores>;

export interface InfiltrateCell {
  /** centroid, level-0 µm */
  x: number;
  y: number;
  /** DAB grade 0–3 */
  grade: number;
}

export interface InfiltrateResult {
  scores: InfiltrateScores;
  /** per input cell: its location (every cell is located, counted or not) */
  locations: CellLocation[];
  /** per input cell: counted (grade ≥ minGrade) */
  counted: boolean[];
  /** per input cell: id into scores.clusters, -1 when in none (or not counted) */
  clusterOf: Int32Array;
}

const TIE_ORDER: readonly CellLocation[] = ['perivascular', 'perimysial', 'endomysial'];

export function scoreInfiltrates(cells: readonly InfiltrateCell[], locate: Locate, tissueAreaMm2: number, options: InfiltrateOptionsInput = {}): InfiltrateResult {
  const parsed = InfiltrateOptions.safeParse(options);
  if (!parsed.success) throw new AnalysisError(`infiltrates: bad options (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  const opts = parsed.data;
  if (!(tissueAreaMm2 > 0 && Number.isFinite(tissueAreaMm2))) throw new AnalysisError(`infiltrates: tissue area must be a positive number of mm², got ${tissueAreaMm2}`);

  const locations = cells.map((c, i) => {
    const loc = locate(c.x, c.y);
    if (!CELL_LOCATIONS.includes(loc)) throw new AnalysisError(`infiltrates: the location classifier returned '${String(loc)}' for cell ${i}`);
    return loc;
  });
  const counted = cells.map((c) => c.grade >= opts.minGrade);
  const idx: number[] = [];
  for (let i = 0; i < cells.length; i++) if (counted[i]) idx.push(i);

  const found = findClusters(idx.map((i) => cells[i]), { linkUm: opts.linkUm, minCells: opts.minClusterCells });
  const clusterOf = new Int32Array(cells.length).fill(-1);
  idx.forEach((i, k) => (clusterOf[i] = found.clusterOf[k]));
  const clusters: LocatedCluster[] = found.clusters.map((c) => {
    const votes = new Map<CellLocation, number>();
    for (const k of found.members[c.id]) votes.set(locations[idx[k]], (votes.get(locations[idx[k]]) ?? 0) + 1);
    let best = TIE_ORDER[0];
    for (const loc of TIE_ORDER) if ((votes.get(loc) ?? 0) > (votes.get(best) ?? 0)) best = loc;
    return { ...c, location: best };
  });

  const hpfRadius = Math.sqrt((opts.hpfAreaMm2 * 1e6) / Math.PI);
  const byLocation = {} as Record<CellLocation, LocationInfiltrate>;
  for (const loc of CELL_LOCATIONS) {
    const mine = idx.filter((i) => locations[i] === loc);
    const own = clusters.filter((c) => c.location === loc);
    const clusteredCells = mine.filter((i) => clusterOf[i] >= 0 && clusters[clusterOf[i]].location === loc).length;
    const cellsPerMm2 = mine.length / tissueAreaMm2;
    const meanCellsPerHpf = cellsPerMm2 * opts.hpfAreaMm2;
    const peak = peakInDisc(mine.map((i) => cells[i]), hpfRadius);
    let grade = 0;
    if (meanCellsPerHpf >= opts.cellsPerHpf && clusteredCells < opts.diffuseMaxClusteredFraction * mine.length) grade = 4;
    else if (own.length > 2) grade = 3;
    else if (own.length >= 1) grade = 2;
    else if (peak >= opts.cellsPerHpf) grade = 1;
    byLocation[loc] = {
      cells: mine.length,
      cellsPerMm2,
      meanCellsPerHpf,
      peakCellsPerHpf: peak,
      clusters: own.length,
      clusteredCells,
      largestCluster: own.reduce((m, c) => Math.max(m, c.size), 0),
      grade,
      gradeLabel: INFILTRATE_GRADE_LABELS[grade],
    };
  }

  const scores = InfiltrateScores.parse({
    tissueAreaMm2,
    options: opts,
    cells: idx.length,
    cellsPerMm2: idx.length / tissueAreaMm2,
    byLocation,
    clusters,
  });
  return { scores, locations, counted, clusterOf };
}

/**
 * The most points within `radius` (inclusive) of any one of them, itself included. Exact: points
 * are binned on a grid of side radius/8 (compressed-row buckets, no per-point allocation); a bin
 * wholly inside the disc is counted by its size, a bin wholly outside skipped, and only bins the
 * circle cuts are checked point by point — about an eighth of the disc area.
 */
export function peakInDisc(points: readonly { x: number; y: number }[], radius: number): number {
  const n = points.length;
  if (n === 0) return 0;
  if (!(radius > 0 && Number.isFinite(radius))) throw new AnalysisError(`peak count: radius must be a positive number of µm, got ${radius}`);
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new AnalysisError(`peak count: a cell has a non-finite position (${p.x}, ${p.y}) µm`);
  }
  // finer bins skip more point checks; coarser ones bound memory when cells lie far apart
  const { minX, minY, cols, rows, start, xs, ys, side: g } = pointGrid(points, radius / 8);

  const r2 = radius * radius;
  const reach = Math.ceil(radius / g);
  let best = 0;
  for (let i = 0; i < n; i++) {
    const px = points[i].x;
    const py = points[i].y;
    const bx = Math.floor((px - minX) / g);
    const by = Math.floor((py - minY) / g);
    let count = 0;
    for (let ry = Math.max(0, by - reach); ry <= Math.min(rows - 1, by + reach); ry++) {
      const y0 = minY + ry * g - py;
      const y1 = y0 + g;
      const farY = Math.max(y0 * y0, y1 * y1);
      const nearY = y0 > 0 ? y0 * y0 : y1 < 0 ? y1 * y1 : 0;
      for (let rx = Math.max(0, bx - reach); rx <= Math.min(cols - 1, bx + reach); rx++) {
        const b = ry * cols + rx;
        const s = start[b];
        const e = start[b + 1];
        if (s === e) continue;
        const x0 = minX + rx * g - px;
        const x1 = x0 + g;
        const nearX = x0 > 0 ? x0 * x0 : x1 < 0 ? x1 * x1 : 0;
        if (nearX + nearY > r2) continue;
        if (Math.max(x0 * x0, x1 * x1) + farY <= r2) {
          count += e - s;
          continue;
        }
        for (let k = s; k < e; k++) {
          const dx = xs[k] - px;
          const dy = ys[k] - py;
          if (dx * dx + dy * dy <= r2) count++;
        }
      }
    }
    if (count > best) best = count;
  }
  return best;
}
