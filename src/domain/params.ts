import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Analysis parameters. Defaults follow QuPath positive cell detection (SCIENCE.md).
 * Every stored score carries the hash of the resolved parameters.
 */
export const Compartment = z.enum(['nucleus', 'cytoplasm', 'cell']);
export type Compartment = z.infer<typeof Compartment>;

export const AnalysisParams = z.object({
  /** µm/px the analysis runs at; the slide level closest to it is read */
  targetMpp: z.number().positive().max(100).default(0.5),
  /** tile core size in analysis pixels (the grid step) */
  tileSize: z.number().int().min(128).max(8192).default(1024),
  /** overlap on each side, µm; at least one cell diameter so seams never cut a cell */
  overlapUm: z.number().nonnegative().max(200).default(24),
  stain: z
    .object({
      /**
       * Per-slide Macenko vectors by default: scanners and staining runs rotate stain vectors by
       * several degrees, and on synthetic tuning slides rotated ~5° the H-DAB defaults misread DAB
       * by ~0.06 OD (H-score off by >10 points) while Macenko kept it within 3. Degenerate
       * estimates fall back to the defaults, and the vectors used are stored with the scores.
       */
      mode: z.enum(['default', 'macenko']).default('macenko'),
      /** 'estimate': I0 per channel from the slide's glass (tissue-free overview pixels); 'fixed': use i0 */
      background: z.enum(['estimate', 'fixed']).default('estimate'),
      /** background intensity for OD when fixed, and the fallback when no glass is in view */
      i0: z.number().min(1).max(255).default(255),
    })
    .prefault({}),
  tissue: z
    .object({
      /** µm/px of the low-resolution tissue mask */
      maskMpp: z.number().positive().default(8),
      /**
       * a pixel is tissue when its summed RGB OD (against the slide's glass I0) reaches this.
       * Pale counterstained stroma sums to ~0.08–0.2; glass noise stays below ~0.06. Tuned on
       * synthetic seeds 11–16: 0.12 lost 1–3% of tissue area (density too high by as much),
       * 0.08 recovers it to within 0.03%.
       */
      odThreshold: z.number().positive().default(0.08),
    })
    .prefault({}),
  nucleus: z
    .object({
      backgroundRadiusUm: z.number().nonnegative().default(8),
      sigmaUm: z.number().nonnegative().default(1.5),
      hematoxylinThreshold: z.number().positive().default(0.1),
      minAreaUm2: z.number().nonnegative().default(10),
      maxAreaUm2: z.number().positive().default(400),
      splitTouching: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * nucleus → cell growth, µm. QuPath uses 5 (SCIENCE.md); 3 here because the nucleus edge is
   * the local half-maximum (tighter than QuPath's), and a 5 µm ring overshoots the cytoplasm and
   * dilutes the cell / cytoplasm DAB mean with stroma (synthetic seeds 1–11: grade accuracy
   * 0.82–0.92 at 5 µm, 0.99 at 3 µm).
   */
  cellExpansionUm: z.number().nonnegative().max(50).default(3),
  /** which compartment's mean DAB OD grades a cell */
  compartment: Compartment.default('cell'),
  /** 1+, 2+, 3+ DAB OD thresholds (SCIENCE.md) */
  gradeThresholds: z
    .tuple([z.number(), z.number(), z.number()])
    .default([0.2, 0.4, 0.6])
    .refine((t) => t[0] < t[1] && t[1] < t[2], 'grade thresholds must increase'),
  /** DAB OD at or above which a tissue pixel counts as positive area (SCIENCE.md) */
  positiveAreaThreshold: z.number().positive().default(0.25),
  /**
   * Nucleus detector: 'classical' (background-corrected hematoxylin threshold + watershed,
   * src/detect/nuclei.ts) or 'model' (the U-Net in models/nuclei-unet, src/detect/model.ts).
   */
  detector: z.enum(['classical', 'model']).default('classical'),
  muscle: z
    .object({
      /**
       * Muscle analysis: fibres segmented, each cell located (endomysial / perimysial /
       * perivascular, inside a fibre or not), tissue taken as the whole section. Left out, the
       * slide's marker decides (markers whose scorers need fibres or locations, src/domain/marker.ts).
       */
      enabled: z.boolean().optional(),
      /**
       * Tile overlap for muscle, µm: a fibre is segmented whole only when its tile reads all of it;
       * fibres reach ~150 µm across (min Feret up to ~80–100 µm in myositis), and a cell's location
       * looks ~45 µm around it (vessel wall + perivascular reach).
       */
      overlapUm: z.number().nonnegative().max(400).default(100),
      /**
       * Section rule for tissue: summed RGB OD, smoothed over tissueSmoothUm, at or above this;
       * the rest is glass (and vessel lumens). Pale fibre interiors sum to only ~0.05–0.1 OD, under
       * the cell rule's 0.08 per pixel, yet they are tissue; glass noise (σ ≈ 0.012 summed per pixel
       * at 2–4 levels of noise) falls to ~0.0035 after a 1 px Gaussian, so 0.025 keeps ~7σ from
       * glass and half the palest fibre. More smoothing would draw a halo of "tissue" into the glass
       * (σ = 2 µm overstated section area by 2–3% on synthetic tuning seeds 1–8, and fibres at the
       * section's edge grew into it, diluting their sarcolemmal ring).
       */
      tissueOd: z.number().positive().default(0.025),
      tissueSmoothUm: z.number().nonnegative().max(20).default(0.5),
    })
    .prefault({}),
});
export type AnalysisParams = z.infer<typeof AnalysisParams>;
export type AnalysisParamsInput = z.input<typeof AnalysisParams>;

export function resolveParams(input: AnalysisParamsInput = {}): AnalysisParams {
  return AnalysisParams.parse(input);
}

/** Key-order independent JSON so equal parameters always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function paramsHash(params: AnalysisParams): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex').slice(0, 16);
}
