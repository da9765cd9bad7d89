/**
 * A synthetic muscle section (H-DAB): fascicles of polygonal fibres, perimysial septa with
 * vessels, nuclei and inflammatory cells, and the marker's DAB. Everything planted, nothing
 * rendered; deterministic from the seed. Pixel units inside, like src/synthetic/scene.ts.
 */
import { HDAB_DEFAULT, stainMatrix, type StainMatrix } from '../../stain/vectors.js';
import { BucketGrid, type CellGrid } from '../cell-grid.js';
import type { PlantedRealism } from '../realism/geometry.js';
import { plantRealism, realismRng } from '../realism/plant.js';
import { Rng } from '../rng.js';
import { plantIce, withIce } from './ice.js';
import { jitter, type DabPatch } from '../scene.js';
import { plantCells, type MuscleCell, type PlantedCluster } from './cells.js';
import { dabCompartmentOf, type DabCompartment } from '../dab-compartment.js';
import { MuscleOptions, REGISTRY_MARKER, type MhcPattern, type MuscleConfig, type MuscleOptionsInput } from './options.js';
import { il1Patches, stainCells, stainFibres, type FibreStain } from './staining.js';
import { makeSection, inSection, type Section } from './section.js';
import { buildTissue, fibreAt, plantVessels, type MuscleTissue } from './tissue.js';

export interface MuscleScene {
  config: MuscleConfig;
  seed: number;
  width: number;
  height: number;
  mpp: number;
  marker: MuscleConfig['marker'];
  /** where stained cells carry their DAB */
  dabCompartment: DabCompartment;
  stain: StainMatrix;
  i0: number;
  blurSigma: number;
  noiseSigma: number;
  seeds: { connective: number; fibreTexture: number; dabBase: number; nucleus: number; noise: number };
  tissue: MuscleTissue;
  /** the section's extent when glass surrounds it; null = tissue everywhere */
  section: Section | null;
  /** per fibre (same index as tissue.fibres) */
  fibreStain: FibreStain[];
  mhcPattern: MhcPattern;
  /** per vessel wall hematoxylin */
  vesselH: number[];
  cells: MuscleCell[];
  cellGrid: CellGrid;
  maxCellRadius: number;
  clusters: PlantedCluster[];
  il1Expressed: boolean;
  patches: DabPatch[];
  /** illumination and artefacts; null = a clean slide */
  realism: PlantedRealism | null;
}

export function makeMuscleScene(input: MuscleOptionsInput): MuscleScene {
  const parsed = MuscleOptions.safeParse(input);
  if (!parsed.success) {
    throw new RangeError(`synthetic muscle options are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const cfg = parsed.data;
  const { seed, width, height } = cfg;
  // three streams: the same seed with another marker is a serial section of the same tissue
  const look = new Rng(seed);
  const geometry = new Rng((seed * 7919 + 1) | 0);
  const staining = new Rng((seed * 7919 + 2) | 0);

  const i0 = cfg.i0 ?? look.uniform(235, 252);
  const blurSigma = cfg.blurSigma ?? look.uniform(0.6, 1.0);
  const noiseSigma = cfg.noiseSigma ?? look.uniform(2, 4);
  const stain = stainMatrix(jitter(HDAB_DEFAULT.hematoxylin, cfg.stainJitterDeg, look), jitter(HDAB_DEFAULT.dab, cfg.stainJitterDeg, look), 'custom');

  const tissue = buildTissue(cfg, geometry);
  plantVessels(cfg, geometry, tissue);
  // vessel walls: smooth muscle and endothelium, darker than the septum around them
  // with a chosen connective level (options.ts connectiveHOd) walls stay as much darker than it
  const conn = cfg.connectiveHOd;
  const vesselH = tissue.vessels.map(() => (conn ? geometry.uniform(conn[1] + 0.04, conn[1] + 0.12) : geometry.uniform(0.18, 0.28)));
  const section = makeSection(tissue, width, height, cfg.sectionMarginUm / cfg.mpp, cfg.sectionShape === 'round');
  const { cells, clusters } = keepInSection(plantCells(cfg, geometry, tissue), section, tissue);

  const { pattern, fibres: fibreStain } = stainFibres(cfg, staining, tissue);
  const il1Expressed = cfg.marker.startsWith('IL-1') ? (cfg.il1Expressed ?? staining.next() < 0.5) : false;
  stainCells(cfg, staining, cells, il1Expressed);
  const patches = il1Patches(cfg, staining, il1Expressed);

  const maxCellRadius = cells.reduce((m, c) => Math.max(m, c.rc, c.rx, c.ry), 1);
  const grid = new BucketGrid(width, height, Math.ceil(2 * maxCellRadius));
  for (const c of cells) grid.add(c.id, c.x, c.y);
  const realism = cfg.realism ? plantMuscleRealism(cfg, tissue, section, cells) : null;

  return {
    config: cfg,
    seed,
    width,
    height,
    mpp: cfg.mpp,
    marker: cfg.marker,
    dabCompartment: cfg.dabCompartment ?? dabCompartmentOf(REGISTRY_MARKER[cfg.marker]),
    stain,
    i0,
    blurSigma,
    noiseSigma,
    seeds: {
      connective: (seed * 7919 + 211) | 0,
      fibreTexture: (seed * 7919 + 223) | 0,
      dabBase: (seed * 7919 + 227) | 0,
      nucleus: (seed * 7919 + 229) | 0,
      noise: (seed * 7919 + 233) | 0,
    },
    tissue,
    section,
    fibreStain,
    mhcPattern: pattern,
    vesselH,
    cells,
    cellGrid: grid.freeze(),
    maxCellRadius,
    clusters,
    il1Expressed,
    patches,
    realism,
  };
}

/** Realism on its own stream; folds and focus patches go on fibres or septa, ice into fibres. */
function plantMuscleRealism(cfg: MuscleConfig, tissue: MuscleTissue, section: Section | null, cells: MuscleCell[]): PlantedRealism {
  const { seed, width, height, mpp } = cfg;
  const rng = realismRng(seed);
  const inTissue = (x: number, y: number): boolean => inSection(section, tissue, x, y, fibreAt(tissue, x, y).id);
  const planted = plantRealism(cfg.realism!, { seed, width, height, mpp, inTissue }, rng);
  return withIce(planted, plantIce(cfg.realism!.artefacts.ice, rng, tissue, section, cells, mpp, width, height), width, height);
}

/**
 * Cells whose centre is glass are not part of the section; a cluster cut by the edge goes whole,
 * so every planted cluster keeps its ≥ 10 members. Cell ids are renumbered to stay indices.
 */
function keepInSection(planted: { cells: MuscleCell[]; clusters: PlantedCluster[] }, section: Section | null, tissue: MuscleTissue): { cells: MuscleCell[]; clusters: PlantedCluster[] } {
  if (!section) return planted;
  const out = new Set<number>();
  // a perivascular cell whose vessel was cut away has lost what made it perivascular
  const vesselGone = (c: MuscleCell): boolean => {
    if (c.location !== 'perivascular') return false;
    let best = -1;
    let d = Infinity;
    for (const v of tissue.vessels) {
      const e = Math.hypot(c.x - v.x, c.y - v.y) - v.r;
      if (e < d) [d, best] = [e, v.id];
    }
    return best >= 0 && !inSection(section, tissue, tissue.vessels[best].x, tissue.vessels[best].y);
  };
  for (const c of planted.cells) if (!inSection(section, tissue, c.x, c.y) || vesselGone(c)) out.add(c.id);
  const clusters = planted.clusters.filter((k) => {
    if (!k.members.some((m) => out.has(m))) return true;
    for (const m of k.members) out.add(m);
    return false;
  });
  const newId = new Map<number, number>();
  const cells: MuscleCell[] = [];
  for (const c of planted.cells) {
    if (out.has(c.id)) continue;
    newId.set(c.id, cells.length);
    cells.push({ ...c, id: cells.length });
  }
  return { cells, clusters: clusters.map((k) => ({ ...k, members: k.members.map((m) => newId.get(m)!) })) };
}
