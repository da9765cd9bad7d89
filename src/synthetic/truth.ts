import { z } from 'zod';
import { DabCompartment } from './dab-compartment.js';
import { TruthRealism } from './realism/truth.js';

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

/** One planted cell. Coordinates in µm, level-0 slide space, like Detection. */
export const TruthCell = z.object({
  id: z.number().int().nonnegative(),
  x: z.number(),
  y: z.number(),
  /** nucleus ellipse semi-axes (µm) and rotation (radians) */
  rx: z.number().positive(),
  ry: z.number().positive(),
  angle: z.number(),
  /** cell radius (µm) measured from the centroid: nucleus + cytoplasm */
  cellRadiusUm: z.number().positive(),
  /** planted mean DAB OD of the graded compartment (before blur and noise) */
  dab: z.number().nonnegative(),
  /** grade of `dab` under the SCIENCE.md thresholds: 0 negative, 1..3 = 1+..3+ */
  grade: z.number().int().min(0).max(3),
  /** true when this nucleus was planted touching another (a watershed must split them) */
  touching: z.boolean(),
});
export type TruthCell = z.infer<typeof TruthCell>;

/**
 * Ground truth written beside every synthetic slide. Scores are computed from the planted,
 * noise-free scene with the same definitions the analysis uses (SCIENCE.md).
 */
export const GroundTruth = z.object({
  generator: z.string(),
  seed: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  mpp: z.number().positive(),
  /** where stained cells carry their DAB (the planted compartment) */
  compartment: DabCompartment,
  stain: z.object({ hematoxylin: Vec3, dab: Vec3, i0: z.number() }),
  gradeThresholds: z.tuple([z.number(), z.number(), z.number()]),
  positiveAreaThreshold: z.number(),
  tissuePixels: z.number().int().nonnegative(),
  tissueAreaMm2: z.number().nonnegative(),
  cells: z.array(TruthCell),
  scores: z.object({
    cellsPerMm2: z.number(),
    positiveCellsPerMm2: z.number(),
    pctPositive: z.number(),
    hScore: z.number(),
    /** % of tissue pixels whose planted DAB OD ≥ positiveAreaThreshold */
    pctPositiveArea: z.number(),
  }),
  /** illumination and artefacts, when the scene was planted with them (scores ignore them: they are of the planted scene) */
  realism: TruthRealism.optional(),
});
export type GroundTruth = z.infer<typeof GroundTruth>;
