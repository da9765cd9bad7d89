/**
 * Options of a synthetic muscle section. Everything left out is drawn from the seed, so a seed
 * alone gives a varied but reproducible slide. Geometry, cells and staining draw from separate
 * streams: the same seed with another marker is a serial section of the same tissue.
 */
import { z } from 'zod';
import { DabCompartment } from '../dab-compartment.js';
import { RealismOptions } from '../realism/options.js';

export const MUSCLE_MARKERS = ['CD163', 'infiltrate', 'MHC-I', 'IL-1a', 'IL-1b', 'IL-1Ra'] as const;
export type MuscleMarker = (typeof MUSCLE_MARKERS)[number];

/** The registry marker a section stands for (the 'infiltrate' section is a pan-leukocyte stain, CD45). */
export const REGISTRY_MARKER: Record<MuscleMarker, string> = {
  CD163: 'CD163',
  infiltrate: 'CD45',
  'MHC-I': 'MHC-I',
  'IL-1a': 'IL-1a',
  'IL-1b': 'IL-1b',
  'IL-1Ra': 'IL-1Ra',
};

export const MHC_PATTERNS = ['none', 'diffuse', 'focal', 'perifascicular'] as const;
export type MhcPattern = (typeof MHC_PATTERNS)[number];

export const CELL_LOCATIONS = ['endomysial', 'perimysial', 'perivascular'] as const;
export type CellLocation = (typeof CELL_LOCATIONS)[number];

const range = z.tuple([z.number().positive(), z.number().positive()]).refine(([a, b]) => a <= b, 'range must be [low, high]');

export const MuscleOptions = z.object({
  seed: z.number().int(),
  width: z.number().int().min(256).max(100_000),
  height: z.number().int().min(256).max(100_000),
  mpp: z.number().positive().max(2).default(0.5),
  marker: z.enum(MUSCLE_MARKERS).default('MHC-I'),
  /**
   * Where a stained cell carries its DAB; absent = where the section's registry marker stains
   * (dabCompartmentOf(REGISTRY_MARKER[marker])): membrane ring for the 'infiltrate' (CD45)
   * section, cytoplasm for IL-1, the whole macrophage body for CD163.
   */
  dabCompartment: DabCompartment.optional(),
  /** spacing of fibre seeds (µm); Voronoi cells of a jittered grid at 50–65 µm give min Feret ≈ 35–75 µm */
  fibreSpacingUm: z.number().min(20).max(150).optional(),
  /** spacing of fascicle seeds (µm) */
  fascicleSpacingUm: z.number().min(150).max(3000).optional(),
  /** endomysium gap between neighbouring fibres (µm), drawn per pair */
  endomysiumUm: range.default([1.5, 4]),
  /** perimysial septum width (µm), drawn per pair of fascicles */
  septumUm: range.default([15, 40]),
  vesselsPerMm2: z.number().min(0).max(100).optional(),
  /** scattered (non-cluster) infiltrating lymphocyte-like cells per mm² of tissue */
  infiltratesPerMm2: z.number().min(0).max(2000).optional(),
  /** macrophages (CD163+) per mm² of tissue, scattered */
  macrophagesPerMm2: z.number().min(0).max(2000).optional(),
  /** relative weights of endomysial, perimysial, perivascular among scattered inflammatory cells */
  locationWeights: z.tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]).optional(),
  /** planted clusters of ≥ 10 inflammatory cells */
  clusters: z.number().int().min(0).max(50).optional(),
  mhcPattern: z.enum(MHC_PATTERNS).optional(),
  /** target fraction of MHC-I positive fibres (diffuse, focal); drawn mid-band of a random grade when absent */
  mhcFraction: z.number().min(0).max(1).optional(),
  /** IL-1 marker slides: whether the cytokine is expressed (diffuse + cellular DAB) */
  il1Expressed: z.boolean().optional(),
  /**
   * Glass round the section: tissue is the rectangle inset by this much (µm), except that a fibre
   * whose centroid lies inside is kept whole and one whose centroid lies outside is glass, so the
   * section's edge follows fibres as a cut biopsy's does. 0 = the section covers the whole image.
   * Whole-slide images always show glass, which the pipeline needs to measure I0.
   */
  sectionMarginUm: z.number().min(0).max(5000).default(0),
  /** the section's outline inside the margin: the inset rectangle, or the ellipse inscribed in it (a round biopsy) */
  sectionShape: z.enum(['rect', 'round']).default('rect'),
  // Issue 18: variation beyond the detector's first assumptions. Every option below is off by
  // default, and off it draws nothing, so a slide without them renders byte for byte as before.
  /**
   * Fibre size spread: each fibre seed gets a power-diagram weight (spacing² × this × u, u
   * uniform in [−1, 1]), so neighbouring fibres differ in size while staying convex polygons;
   * 0 = plain Voronoi.
   */
  fibreSizeSpread: z.number().min(0).max(0.6).default(0),
  /**
   * share of fibres that are atrophic, their linear scale drawn in atrophyScale; a negative
   * power-diagram weight makes them small and their neighbours fill the space (tissue.ts)
   */
  atrophyFraction: z.number().min(0).max(1).default(0),
  atrophyScale: range.default([0.25, 0.6]),
  /** perifascicular atrophy: fibres within one fibre spacing of a septum are atrophic, scale in this range; absent = none */
  perifascicularAtrophy: range.optional(),
  /** rounded fibres: corner radius as a share of the fibre's inradius, drawn per fibre in this range; absent = polygonal */
  fibreRoundness: range.optional(),
  /** share of fibres that are necrotic: pale sarcoplasm invaded by macrophages (myophagocytosis) */
  necroticFraction: z.number().min(0).max(0.2).default(0),
  /** endomysial inflammatory cells may sit this far inside a fibre's outline (indenting it), µm; 0 = the planted rule alone */
  cellIndentUm: z.number().min(0).max(10).default(0),
  /** vessel outer radius range, µm; absent = 5–15 */
  vesselRadiusUm: range.optional(),
  /** sarcoplasm hematoxylin OD range, per fibre; absent = 0.038–0.05 */
  fibreHOd: range.optional(),
  /** connective tissue (endomysium, perimysium) hematoxylin OD range; absent = 0.08–0.15 */
  connectiveHOd: range.optional(),
  stainJitterDeg: z.number().min(0).max(20).default(4),
  i0: z.number().min(100).max(255).optional(),
  blurSigma: z.number().min(0).max(5).optional(),
  noiseSigma: z.number().min(0).max(20).optional(),
  /** uneven illumination and artefacts, ice-crystal holes included (realism/options.ts); absent = a clean slide */
  realism: RealismOptions.optional(),
});
export type MuscleOptionsInput = z.input<typeof MuscleOptions>;
export type MuscleConfig = z.output<typeof MuscleOptions>;
