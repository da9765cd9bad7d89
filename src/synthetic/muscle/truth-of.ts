/**
 * Ground truth of a muscle scene: geometry in µm, planted statuses, and scores from the
 * planted values. Pixel counts stream over bands of rows, so memory stays flat.
 */
import { GRADE_THRESHOLDS, POSITIVE_AREA_THRESHOLD } from '../scene.js';
import { plantMuscleRegion } from './planted.js';
import { plantedBuffers } from '../planted.js';
import { inIceHole } from '../realism/apply.js';
import { countPlanted, plantedCountsOf, type PlantedCounts } from '../planted-counts.js';
import { CLUSTER_LINK_UM, CLUSTER_MIN_CELLS, PERIVASCULAR_UM, locate } from './cells.js';
import { inSection } from './section.js';
import { vesselWallDistance } from './tissue.js';
import type { CellLocation } from './options.js';
import type { MuscleScene } from './scene.js';
import { IL1_EXPRESSED_MIN_PCT_AREA, MHC_POSITIVE_OD } from './staining.js';
import { MuscleGroundTruth, mhcGradeOf, type TruthFibre, type TruthMuscleCell } from './truth.js';

export const MUSCLE_GENERATOR_ID = 'biopsy-quant-synthetic-muscle/1';

const BAND_PIXELS = 1 << 20;
/** lattice spacing (µm) of the per-location area estimate */
const LOCATION_STEP_UM = 2;
const cache = new WeakMap<MuscleScene, MuscleGroundTruth>();

/** `planted`: the scene's pixel counts when a render already planted every row (muscleSource), else it is planted here. */
export function muscleTruthOf(scene: MuscleScene, planted?: PlantedCounts): MuscleGroundTruth {
  const hit = cache.get(scene);
  if (hit) return hit;
  const { mpp, tissue } = scene;
  const um = (v: number): number => round(v * mpp, 4);
  const px = planted?.complete ? planted : countPixels(scene);
  const tally = px.tally;
  const tissueAreaMm2 = (px.tissue * mpp * mpp) / 1e6;
  const perMm2 = (k: number): number => (tissueAreaMm2 > 0 ? k / tissueAreaMm2 : 0);

  const kept = scene.section ? tissue.fibres.filter((f) => scene.section!.fibreKept[f.id] === 1) : tissue.fibres;
  const fibres: TruthFibre[] = kept.map((f) => {
    const st = scene.fibreStain[f.id];
    return {
      id: f.id,
      polygon: f.poly.map(([x, y]) => [um(x), um(y)] as [number, number]),
      centroid: [um(f.cx), um(f.cy)],
      areaUm2: round(f.areaPx * mpp * mpp, 3),
      minFeretUm: um(f.minFeretPx),
      fascicleId: f.fascicle,
      perifascicular: f.perifascicular,
      touchesEdge: f.touchesEdge,
      mhcStatus: st.status,
      ringOd: round(st.ringOd, 5),
      ringWidthUm: um(st.ringWidth),
      interiorOd: round(st.interiorOd, 5),
      positive: st.ringOd >= MHC_POSITIVE_OD || st.interiorOd >= MHC_POSITIVE_OD,
    };
  });
  const cells: TruthMuscleCell[] = scene.cells.map((c) => ({
    id: c.id,
    x: um(c.x),
    y: um(c.y),
    kind: c.kind,
    location: c.location,
    clusterId: c.clusterId,
    fibreId: c.fibreId,
    internal: c.internal,
    rx: um(c.rx),
    ry: um(c.ry),
    angle: round(c.angle, 5),
    cellRadiusUm: um(c.rc),
    dab: round(c.dab, 5),
    // SCIENCE.md "Cells": 1+ ≥ 0.2
    dabPositive: c.dab >= GRADE_THRESHOLDS[0],
  }));

  const byLocation = (pred: (c: TruthMuscleCell) => boolean): Record<CellLocation, number> => {
    const r = { endomysial: 0, perimysial: 0, perivascular: 0 };
    for (const c of cells) if (pred(c)) r[c.location]++;
    return r;
  };
  const densities = (r: Record<CellLocation, number>): Record<CellLocation, number> => ({
    endomysial: perMm2(r.endomysial),
    perimysial: perMm2(r.perimysial),
    perivascular: perMm2(r.perivascular),
  });
  const macrophages = byLocation((c) => c.kind === 'macrophage');
  const infiltrates = byLocation((c) => c.kind === 'infiltrate');
  const clusterByLoc = { endomysial: 0, perimysial: 0, perivascular: 0 };
  for (const k of scene.clusters) clusterByLoc[k.location]++;
  const positiveFibres = fibres.filter((f) => f.positive).length;
  const mhcPct = fibres.length > 0 ? (100 * positiveFibres) / fibres.length : 0;
  const pct = (k: number): number => (px.tissue > 0 ? (100 * k) / px.tissue : 0);
  const fascicleFibres = new Map<number, number>();
  for (const f of fibres) fascicleFibres.set(f.fascicleId, (fascicleFibres.get(f.fascicleId) ?? 0) + 1);

  const truth = MuscleGroundTruth.parse({
    generator: MUSCLE_GENERATOR_ID,
    seed: scene.seed,
    width: scene.width,
    height: scene.height,
    mpp,
    marker: scene.marker,
    dabCompartment: scene.dabCompartment,
    stain: { hematoxylin: [...scene.stain.hematoxylin], dab: [...scene.stain.dab], i0: scene.i0 },
    rules: {
      gradeThresholds: [...GRADE_THRESHOLDS],
      positiveAreaThreshold: POSITIVE_AREA_THRESHOLD,
      mhcPositiveOd: MHC_POSITIVE_OD,
      perivascularUm: PERIVASCULAR_UM,
      clusterLinkUm: CLUSTER_LINK_UM,
      clusterMinCells: CLUSTER_MIN_CELLS,
      il1ExpressedMinPctArea: IL1_EXPRESSED_MIN_PCT_AREA,
    },
    tissuePixels: px.tissue,
    fascicles: [...fascicleFibres.keys()].sort((a, b) => a - b).map((id) => ({
      id,
      seed: [um(tissue.fascicles.x[id]), um(tissue.fascicles.y[id])],
      fibres: fascicleFibres.get(id) ?? 0,
    })),
    vessels: tissue.vessels.filter((v) => inSection(scene.section, tissue, v.x, v.y)).map((v) => ({ id: v.id, x: um(v.x), y: um(v.y), outerRadiusUm: um(v.r), wallUm: um(v.wall) })),
    fibres,
    cells,
    clusters: scene.clusters.map((k) => ({ id: k.id, location: k.location, size: k.members.length, members: [...k.members] })),
    scores: {
      tissueAreaMm2,
      locationAreaMm2: locationAreas(scene),
      fibreCount: fibres.length,
      mhcPattern: scene.mhcPattern,
      mhcPctPositiveFibres: mhcPct,
      mhcGrade: mhcGradeOf(mhcPct),
      cd163PerMm2: perMm2(macrophages.endomysial + macrophages.perimysial + macrophages.perivascular),
      cd163PerMm2ByLocation: densities(macrophages),
      infiltrateCount: infiltrates.endomysial + infiltrates.perimysial + infiltrates.perivascular,
      infiltrateCountByLocation: infiltrates,
      infiltratePerMm2ByLocation: densities(infiltrates),
      clusterCount: scene.clusters.length,
      clusterCountByLocation: clusterByLoc,
      pctPositiveArea: pct(px.positive),
      // SCIENCE.md: H-score = 1·%(1+) + 2·%(2+) + 3·%(3+), here over tissue pixels
      pixelHScore: pct(px.grade[1]) + 2 * pct(px.grade[2]) + 3 * pct(px.grade[3]),
      positiveCellsPerMm2: perMm2(cells.filter((c) => c.dabPositive).length),
      il1Expressed: scene.marker.startsWith('IL-1') ? scene.il1Expressed : null,
    },
    ...(tally ? { realism: tally.result() } : {}),
  });
  cache.set(scene, truth);
  return truth;
}

/** The scene planted band by band into fresh counts. */
function countPixels(scene: MuscleScene): PlantedCounts {
  const counts = plantedCountsOf(scene);
  return countPlanted(counts, BAND_PIXELS, plantedBuffers, (y0, rows, buf) => void plantMuscleRegion(scene, 0, y0, scene.width, rows, buf));
}

/** Tissue area per location, the `locate` rule evaluated on a lattice of LOCATION_STEP_UM. */
function locationAreas(scene: MuscleScene): Record<CellLocation, number> {
  const { tissue, mpp, width, height } = scene;
  const step = Math.max(1, Math.round(LOCATION_STEP_UM / mpp));
  const counts = { endomysial: 0, perimysial: 0, perivascular: 0 };
  for (let y = step / 2; y < height; y += step) {
    for (let x = step / 2; x < width; x += step) {
      const wall = vesselWallDistance(tissue, x, y);
      if (wall < 0 && lumenOf(scene, x, y)) continue;
      if (!inSection(scene.section, tissue, x, y)) continue;
      if (inIceHole(scene.realism, x, y)) continue;
      counts[locate(tissue, mpp, x, y)]++;
    }
  }
  const cell = (step * mpp) ** 2 / 1e6;
  return { endomysial: counts.endomysial * cell, perimysial: counts.perimysial * cell, perivascular: counts.perivascular * cell };
}

function lumenOf(scene: MuscleScene, x: number, y: number): boolean {
  return scene.tissue.vessels.some((v) => Math.hypot(x - v.x, y - v.y) <= v.r - v.wall);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
