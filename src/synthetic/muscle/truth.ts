/**
 * Ground truth of a synthetic muscle slide, written beside it as `<slide>.truth.json`.
 * Coordinates in µm (level-0 slide space, like Detection); scores from the planted, noise-free
 * scene with the SCIENCE.md definitions.
 */
import { z } from 'zod';
import { DabCompartment } from '../dab-compartment.js';
import { TruthRealism } from '../realism/truth.js';
import { CELL_LOCATIONS, MHC_PATTERNS, MUSCLE_MARKERS } from './options.js';

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
const Location = z.enum(CELL_LOCATIONS);
const PerLocation = z.object({ endomysial: z.number(), perimysial: z.number(), perivascular: z.number() });

export const TruthFibre = z.object({
  id: z.number().int().nonnegative(),
  /** convex polygon vertices [x, y] in µm */
  polygon: z.array(z.tuple([z.number(), z.number()])).min(3),
  centroid: z.tuple([z.number(), z.number()]),
  areaUm2: z.number().positive(),
  /** minimal caliper width of the polygon (rotating calipers), µm */
  minFeretUm: z.number().positive(),
  fascicleId: z.number().int().nonnegative(),
  /** borders a perimysial septum */
  perifascicular: z.boolean(),
  /** cut by the image border (its true shape extends beyond the slide) */
  touchesEdge: z.boolean(),
  mhcStatus: z.enum(['negative', 'ring', 'sarcoplasmic', 'both']),
  /** planted DAB OD in the sarcolemmal band, and its width (µm) */
  ringOd: z.number().nonnegative(),
  ringWidthUm: z.number().positive(),
  interiorOd: z.number().nonnegative(),
  /** ring or interior OD ≥ mhcPositiveOd */
  positive: z.boolean(),
});
export type TruthFibre = z.infer<typeof TruthFibre>;

export const TruthMuscleCell = z.object({
  id: z.number().int().nonnegative(),
  x: z.number(),
  y: z.number(),
  kind: z.enum(['myonucleus', 'stromal', 'infiltrate', 'macrophage']),
  location: Location,
  clusterId: z.number().int().nonnegative().nullable(),
  /** myonuclei: their fibre, and whether internal (away from the sarcolemma) */
  fibreId: z.number().int().nonnegative().nullable(),
  internal: z.boolean(),
  /** nucleus semi-axes (µm) and rotation (radians); cell radius (µm) covered by DAB when stained */
  rx: z.number().positive(),
  ry: z.number().positive(),
  angle: z.number(),
  cellRadiusUm: z.number().positive(),
  dab: z.number().nonnegative(),
  dabPositive: z.boolean(),
});
export type TruthMuscleCell = z.infer<typeof TruthMuscleCell>;

export const MuscleGroundTruth = z.object({
  generator: z.string(),
  seed: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  mpp: z.number().positive(),
  marker: z.enum(MUSCLE_MARKERS),
  /** where stained cells carry their DAB (the planted compartment) */
  dabCompartment: DabCompartment,
  stain: z.object({ hematoxylin: Vec3, dab: Vec3, i0: z.number() }),
  /** the definitions the scores use */
  rules: z.object({
    gradeThresholds: z.tuple([z.number(), z.number(), z.number()]),
    positiveAreaThreshold: z.number(),
    mhcPositiveOd: z.number(),
    perivascularUm: z.number(),
    clusterLinkUm: z.number(),
    clusterMinCells: z.number().int(),
    il1ExpressedMinPctArea: z.number(),
  }),
  tissuePixels: z.number().int().nonnegative(),
  fascicles: z.array(z.object({ id: z.number().int().nonnegative(), seed: z.tuple([z.number(), z.number()]), fibres: z.number().int().nonnegative() })),
  vessels: z.array(z.object({ id: z.number().int().nonnegative(), x: z.number(), y: z.number(), outerRadiusUm: z.number().positive(), wallUm: z.number().positive() })),
  fibres: z.array(TruthFibre),
  cells: z.array(TruthMuscleCell),
  clusters: z.array(z.object({ id: z.number().int().nonnegative(), location: Location, size: z.number().int().min(1), members: z.array(z.number().int().nonnegative()) })),
  scores: z.object({
    tissueAreaMm2: z.number().nonnegative(),
    /** tissue area per location by the same rule as the cells, sampled on a 2 µm lattice (±~1%) */
    locationAreaMm2: PerLocation,
    fibreCount: z.number().int().nonnegative(),
    mhcPattern: z.enum(MHC_PATTERNS),
    mhcPctPositiveFibres: z.number(),
    mhcGrade: z.number().int().min(0).max(5),
    /** macrophages (CD163+ cells) per mm² of tissue; per location over the same whole-tissue area */
    cd163PerMm2: z.number(),
    cd163PerMm2ByLocation: PerLocation,
    /** infiltrating (non-macrophage) mononuclear cells */
    infiltrateCount: z.number().int().nonnegative(),
    infiltrateCountByLocation: PerLocation,
    infiltratePerMm2ByLocation: PerLocation,
    clusterCount: z.number().int().nonnegative(),
    clusterCountByLocation: PerLocation,
    /** the marker's DAB: % tissue pixels ≥ positiveAreaThreshold, pixel H-score, DAB+ cells per mm² */
    pctPositiveArea: z.number(),
    pixelHScore: z.number(),
    positiveCellsPerMm2: z.number(),
    /** IL-1 slides: planted as expressed (null for other markers) */
    il1Expressed: z.boolean().nullable(),
  }),
  /** illumination and artefacts, when the scene was planted with them; ice holes are already not tissue above */
  realism: TruthRealism.optional(),
});
export type MuscleGroundTruth = z.infer<typeof MuscleGroundTruth>;

/** SCIENCE.md (Das et al.): 0 none, 1 ≤10%, 2 10–25%, 3 25–50%, 4 50–99%, 5 100% positive fibres. */
export function mhcGradeOf(pctPositive: number): number {
  if (pctPositive <= 0) return 0;
  if (pctPositive <= 10) return 1;
  if (pctPositive <= 25) return 2;
  if (pctPositive <= 50) return 3;
  if (pctPositive < 100) return 4;
  return 5;
}
