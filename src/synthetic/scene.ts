/**
 * A synthetic H-DAB scene: everything planted (tissue field, stain vectors, cells, DAB patches),
 * nothing rendered. Deterministic from the seed; rendering (render.ts) and ground truth
 * (truth-of.ts) read the scene and never draw random numbers in order.
 *
 * Pixel convention: pixel (x, y) samples the continuous scene at (x, y), so a planted centre
 * at cx px is at cx · mpp µm — the same convention detection uses for centroids.
 */
import { z } from 'zod';
import { HDAB_DEFAULT, cross, normalize, stainMatrix, type StainMatrix, type Vec3 } from '../stain/vectors.js';
import { BucketGrid, type CellGrid } from './cell-grid.js';
import { DabCompartment } from './dab-compartment.js';
import type { PlantedRealism } from './realism/geometry.js';
import { RealismOptions } from './realism/options.js';
import { plantRealism, realismRng } from './realism/plant.js';
import { Rng, fbm } from './rng.js';
import { StromaTextureOptions, plantStromaTexture, type PlantedStromaTexture } from './stroma-texture.js';

/** SCIENCE.md "Cells": 1+ ≥ 0.2, 2+ ≥ 0.4, 3+ ≥ 0.6 (mean DAB OD of the compartment). */
export const GRADE_THRESHOLDS: readonly [number, number, number] = [0.2, 0.4, 0.6];
/** SCIENCE.md "Scores": % positive area counts DAB OD ≥ 0.25. */
export const POSITIVE_AREA_THRESHOLD = 0.25;
/** planted DAB stays this far from a grade threshold so the true grade is unambiguous */
export const GRADE_MARGIN = 0.03;

export const SceneOptions = z.object({
  seed: z.number().int(),
  width: z.number().int().min(64).max(200_000),
  height: z.number().int().min(64).max(200_000),
  mpp: z.number().positive().max(10).default(0.5),
  /** where a stained cell carries its DAB (dab-compartment.ts); the marker's own via dabCompartmentOf */
  compartment: DabCompartment.default('cell'),
  /** target cells per mm² of tissue (dart throwing may plant fewer when crowded) */
  cellsPerMm2: z.number().nonnegative().max(5000).default(1000),
  fractionPositive: z.number().min(0).max(1).default(0.4),
  /** relative weights of 1+, 2+, 3+ among positive cells */
  gradeMix: z.tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]).default([0.4, 0.35, 0.25]),
  /** fraction of nuclei planted in touching pairs */
  touchingFraction: z.number().min(0).max(0.5).default(0.12),
  /** each stain vector is rotated by up to this many degrees in a random direction */
  stainJitterDeg: z.number().min(0).max(20).default(5),
  /** background intensity; drawn from 235–252 when absent */
  i0: z.number().min(100).max(255).optional(),
  /** optical blur in px; drawn from 0.6–1.0 when absent */
  blurSigma: z.number().min(0).max(5).optional(),
  /** sensor noise in grey levels; drawn from 2–4 when absent */
  noiseSigma: z.number().min(0).max(20).optional(),
  /** fraction of the image covered by tissue; 1 = a section filling the whole field, no glass in view */
  tissueFraction: z.number().min(0.05).max(1).default(0.65),
  /** diffuse extracellular DAB patches per mm² of tissue */
  patchesPerMm2: z.number().min(0).max(200).default(8),
  /** uneven illumination and artefacts (realism/options.ts); absent = a clean slide */
  realism: RealismOptions.optional(),
  /** nucleus semi-axes are drawn from this range, µm (SCIENCE.md: most nuclei 7–10 µm across) */
  nucleusRadiusUm: z.tuple([z.number().min(1), z.number().min(1).max(15)]).default([3, 5]),
  /** planted nucleus hematoxylin OD range (pale nuclei: a lower range) */
  nucleusHOd: z.tuple([z.number().min(0.05), z.number().max(2)]).default([0.35, 0.8]),
  /** chromatin texture: nucleus OD varies by this fraction peak to peak (0.3 = ±15 %) */
  chromatin: z.number().min(0).max(1).default(0.3),
  /** fibrous stroma and granules in both stains (stroma-texture.ts); absent = the smooth stroma */
  stromaTexture: StromaTextureOptions.optional(),
});
export type SceneOptionsInput = z.input<typeof SceneOptions>;
export type SceneConfig = z.output<typeof SceneOptions>;

/** One planted cell, in pixels (truth-of.ts converts to µm). */
export interface PlantedCell {
  id: number;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle: number;
  cos: number;
  sin: number;
  /** cell radius px (nucleus + cytoplasm) */
  rc: number;
  /** nucleus hematoxylin OD */
  hOd: number;
  /** planted DAB OD of the graded compartment */
  dab: number;
  grade: number;
  touching: boolean;
}

/** Diffuse extracellular DAB: a smooth elliptical bump. */
export interface DabPatch {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  cos: number;
  sin: number;
  peak: number;
}

export interface Scene {
  config: SceneConfig;
  seed: number;
  width: number;
  height: number;
  mpp: number;
  compartment: SceneConfig['compartment'];
  stain: StainMatrix;
  i0: number;
  blurSigma: number;
  noiseSigma: number;
  /** tissue where fbm(tissue field) > tissueThreshold (or inside a planted cell) */
  tissueThreshold: number;
  tissueWavelengthPx: number;
  stromaWavelengthPx: number;
  dabBaseWavelengthPx: number;
  nucleusTextureWavelengthPx: number;
  /** seeds of the independent noise fields */
  seeds: { tissue: number; stroma: number; dabBase: number; nucleus: number; noise: number };
  cells: PlantedCell[];
  cellGrid: CellGrid;
  /** largest cell radius px: how far a cell reaches from its bucket */
  maxCellRadius: number;
  patches: DabPatch[];
  /** illumination and artefacts; null = a clean slide */
  realism: PlantedRealism | null;
  /** fibrous stroma texture; null = the smooth stroma */
  stromaTexture: PlantedStromaTexture | null;
}

/** Octaves of the tissue-field fbm; also used by planted.ts so both see the same field. */
export const TISSUE_OCTAVES = 3;

export function makeScene(input: SceneOptionsInput): Scene {
  const parsed = SceneOptions.safeParse(input);
  if (!parsed.success) {
    throw new RangeError(`synthetic scene options are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const cfg = parsed.data;
  if (cfg.realism && cfg.realism.artefacts.ice > 0) throw new RangeError('synthetic scene options are invalid: realism.artefacts.ice: freezing artefact (ice-crystal holes in fibres) exists only in muscle sections');
  const { seed, width, height, mpp } = cfg;
  const rng = new Rng(seed);
  const um = (v: number): number => v / mpp;

  const seeds = {
    tissue: (seed * 7919 + 11) | 0,
    stroma: (seed * 7919 + 23) | 0,
    dabBase: (seed * 7919 + 37) | 0,
    nucleus: (seed * 7919 + 51) | 0,
    noise: (seed * 7919 + 67) | 0,
  };
  const i0 = cfg.i0 ?? rng.uniform(235, 252);
  const blurSigma = cfg.blurSigma ?? rng.uniform(0.6, 1.0);
  const noiseSigma = cfg.noiseSigma ?? rng.uniform(2, 4);
  const stain = stainMatrix(jitter(HDAB_DEFAULT.hematoxylin, cfg.stainJitterDeg, rng), jitter(HDAB_DEFAULT.dab, cfg.stainJitterDeg, rng), 'custom');

  // Tissue: a few smooth blobs with holes at the scale of the image, never finer than 200 µm.
  const tissueWavelengthPx = Math.max(um(200), Math.min(width, height) / 2.5);
  // a whole-field section has no glass anywhere, not just at the sampled quantile
  const tissueThreshold = cfg.tissueFraction >= 1 ? -Infinity : quantileOfField(seeds.tissue, width, height, tissueWavelengthPx, 1 - cfg.tissueFraction);
  const inTissue = (x: number, y: number): boolean => fbm(seeds.tissue, x / tissueWavelengthPx, y / tissueWavelengthPx, TISSUE_OCTAVES) > tissueThreshold;
  const tissueMm2Estimate = (cfg.tissueFraction * width * height * mpp * mpp) / 1e6;

  const cells = plantCells(cfg, rng, inTissue, tissueMm2Estimate);
  const maxCellRadius = cells.reduce((m, c) => Math.max(m, c.rc), um(10));
  const grid = new BucketGrid(width, height, Math.ceil(2 * maxCellRadius));
  for (const c of cells) grid.add(c.id, c.cx, c.cy);

  const patches = plantPatches(cfg, rng, inTissue, tissueMm2Estimate);
  const realism = cfg.realism ? plantRealism(cfg.realism, { seed, width, height, mpp, inTissue }, realismRng(seed)) : null;

  return {
    config: cfg,
    seed,
    width,
    height,
    mpp,
    compartment: cfg.compartment,
    stain,
    i0,
    blurSigma,
    noiseSigma,
    tissueThreshold,
    tissueWavelengthPx,
    stromaWavelengthPx: um(30),
    dabBaseWavelengthPx: um(50),
    nucleusTextureWavelengthPx: um(1.5),
    seeds,
    cells,
    cellGrid: grid.freeze(),
    maxCellRadius,
    patches,
    realism,
    stromaTexture: cfg.stromaTexture ? plantStromaTexture(cfg.stromaTexture, seed, mpp) : null,
  };
}

/** Rotate a unit stain vector by a random angle in [0, maxDeg] towards a random perpendicular direction. */
export function jitter(v: Vec3, maxDeg: number, rng: Rng): Vec3 {
  const theta = (rng.uniform(0, maxDeg) * Math.PI) / 180;
  const phi = rng.uniform(0, 2 * Math.PI);
  const a = normalize(cross(v, Math.abs(v[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
  const b = cross(v, a);
  const u: Vec3 = [Math.cos(phi) * a[0] + Math.sin(phi) * b[0], Math.cos(phi) * a[1] + Math.sin(phi) * b[1], Math.cos(phi) * a[2] + Math.sin(phi) * b[2]];
  const r: Vec3 = [
    Math.cos(theta) * v[0] + Math.sin(theta) * u[0],
    Math.cos(theta) * v[1] + Math.sin(theta) * u[1],
    Math.cos(theta) * v[2] + Math.sin(theta) * u[2],
  ];
  // An absorbing stain has non-negative OD in every channel.
  return normalize([Math.max(0.01, r[0]), Math.max(0.01, r[1]), Math.max(0.01, r[2])]);
}

/** The q-quantile of the tissue field on a 96×96 sample grid: threshold for the wanted tissue fraction. */
function quantileOfField(seed: number, width: number, height: number, wavelength: number, q: number): number {
  const n = 96;
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      values[j * n + i] = fbm(seed, (((i + 0.5) / n) * width) / wavelength, (((j + 0.5) / n) * height) / wavelength, TISSUE_OCTAVES);
    }
  }
  values.sort();
  return values[Math.min(n * n - 1, Math.max(0, Math.floor(q * n * n)))];
}

/** Radius of an ellipse (semi-axes rx, ry, rotated by angle) in world direction phi. */
function ellipseRadius(rx: number, ry: number, angle: number, phi: number): number {
  const t = phi - angle;
  return (rx * ry) / Math.hypot(ry * Math.cos(t), rx * Math.sin(t));
}

function plantCells(cfg: SceneConfig, rng: Rng, inTissue: (x: number, y: number) => boolean, tissueMm2: number): PlantedCell[] {
  const { width, height, mpp } = cfg;
  const um = (v: number): number => v / mpp;
  const target = Math.round(cfg.cellsPerMm2 * tissueMm2);
  const pairsTarget = Math.round((target * cfg.touchingFraction) / 2);
  // Non-paired nuclei keep a gap a watershed needs no help with; cytoplasms may overlap a little.
  const gapPx = um(4);
  // how far two cells' centres can be and still collide: two cells of the largest radius (cytoplasm ≤ 5 µm)
  const reachUm = Math.max(20, 2 * (cfg.nucleusRadiusUm[1] + 5));
  const cells: PlantedCell[] = [];
  const grid = new BucketGrid(width, height, Math.ceil(um(reachUm)));
  const near: number[] = [];

  const draw = (cx: number, cy: number, touching: boolean): PlantedCell => {
    const [r0, r1] = cfg.nucleusRadiusUm;
    const rx = um(rng.uniform(r0, r1));
    const ry = um(rng.uniform(r0, r1));
    const angle = rng.uniform(0, Math.PI);
    const rc = Math.max(rx, ry) + um(rng.uniform(3, 5));
    const { dab, grade } = drawDab(cfg, rng);
    return { id: -1, cx, cy, rx, ry, angle, cos: Math.cos(angle), sin: Math.sin(angle), rc, hOd: rng.uniform(cfg.nucleusHOd[0], cfg.nucleusHOd[1]), dab, grade, touching };
  };

  const fits = (c: PlantedCell, except: number): boolean => {
    if (c.cx < c.rc || c.cy < c.rc || c.cx > width - 1 - c.rc || c.cy > height - 1 - c.rc) return false;
    // the whole cell disc must lie in tissue: centre and 8 points on its rim
    if (!inTissue(c.cx, c.cy)) return false;
    for (let k = 0; k < 8; k++) {
      const a = (k * Math.PI) / 4;
      if (!inTissue(c.cx + c.rc * Math.cos(a), c.cy + c.rc * Math.sin(a))) return false;
    }
    for (const id of grid.near(c.cx, c.cy, um(reachUm), near)) {
      if (id === except) continue;
      const o = cells[id];
      const minD = Math.max(Math.max(c.rx, c.ry) + Math.max(o.rx, o.ry) + gapPx, 0.8 * (c.rc + o.rc));
      if (Math.hypot(c.cx - o.cx, c.cy - o.cy) < minD) return false;
    }
    return true;
  };
  const add = (c: PlantedCell): void => {
    c.id = cells.length;
    cells.push(c);
    grid.add(c.id, c.cx, c.cy);
  };

  let pairs = 0;
  for (let tries = 0; pairs < pairsTarget && tries < 60 * pairsTarget; tries++) {
    const a = draw(rng.uniform(0, width), rng.uniform(0, height), true);
    const phi = rng.uniform(0, 2 * Math.PI);
    const b = draw(0, 0, true);
    const d = rng.uniform(0.75, 0.95) * (ellipseRadius(a.rx, a.ry, a.angle, phi) + ellipseRadius(b.rx, b.ry, b.angle, phi));
    b.cx = a.cx + d * Math.cos(phi);
    b.cy = a.cy + d * Math.sin(phi);
    // neither is in the grid yet, so each is checked against every other cell but its partner
    if (!fits(a, -1) || !fits(b, -1)) continue;
    add(a);
    add(b);
    pairs++;
  }
  const singlesTarget = Math.max(0, target - 2 * pairs);
  let singles = 0;
  for (let tries = 0; singles < singlesTarget && tries < 60 * singlesTarget; tries++) {
    const c = draw(rng.uniform(0, width), rng.uniform(0, height), false);
    if (!fits(c, -1)) continue;
    add(c);
    singles++;
  }
  return cells;
}

function drawDab(cfg: SceneConfig, rng: Rng): { dab: number; grade: number } {
  const [t1, t2, t3] = GRADE_THRESHOLDS;
  const m = GRADE_MARGIN;
  if (rng.next() >= cfg.fractionPositive) return { dab: rng.uniform(0, 0.12), grade: 0 };
  const g = 1 + rng.pick(cfg.gradeMix);
  const lo = [0, t1, t2, t3][g] + m;
  const hi = g === 3 ? 0.95 : [0, t2, t3][g] - m;
  return { dab: rng.uniform(lo, hi), grade: g };
}

function plantPatches(cfg: SceneConfig, rng: Rng, inTissue: (x: number, y: number) => boolean, tissueMm2: number): DabPatch[] {
  const um = (v: number): number => v / cfg.mpp;
  const target = Math.round(cfg.patchesPerMm2 * tissueMm2);
  const patches: DabPatch[] = [];
  for (let tries = 0; patches.length < target && tries < 50 * target; tries++) {
    const cx = rng.uniform(0, cfg.width);
    const cy = rng.uniform(0, cfg.height);
    const rx = um(rng.uniform(15, 45));
    const ry = um(rng.uniform(15, 45));
    const angle = rng.uniform(0, Math.PI);
    const peak = rng.uniform(0.3, 0.6);
    if (!inTissue(cx, cy)) continue;
    patches.push({ cx, cy, rx, ry, cos: Math.cos(angle), sin: Math.sin(angle), peak });
  }
  return patches;
}
