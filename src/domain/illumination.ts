import { z } from 'zod';

/**
 * The slide's illumination (flat field), SCIENCE.md "Illumination and background": relative
 * brightness S(x, y) ≤ 1 with log10 S a quadratic in u = 2x/width − 1, v = 2y/height − 1, where
 * x, y are pixel coordinates of a frame `width` × `height` (the analysed level). OD is then taken
 * against I0 · S(x, y). Tiles evaluate it at their own level coordinates, so embedded and service
 * mode read the same numbers from the plan.
 */
export const FlatField = z.object({
  width: z.number().positive(),
  height: z.number().positive(),
  /** log10 S = c0 + c1·u + c2·v + c3·u² + c4·u·v + c5·v² */
  log10: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).readonly(),
});
export type FlatField = z.infer<typeof FlatField>;

/** What the analysis found about background and illumination, stored with the scores' provenance. */
export const IlluminationSummary = z.object({
  /** glass was found in the overview and anchors I0; false: a whole-field section, I0 is the white point */
  glass: z.boolean(),
  /** where I0 came from */
  i0Source: z.enum(['glass', 'white-point', 'fixed']),
  /** relative illumination over the slide, min and max of S (max is 1); 1 and 1 when no correction was applied */
  minRelative: z.number(),
  maxRelative: z.number(),
  /** the flat field was applied (its range exceeded params.illumination.minCorrection) */
  corrected: z.boolean(),
  /** median relative |Laplacian| of the brightest overview pixels: ~0 on glass, larger on tissue (params.illumination.maxGlassTexture) */
  glassTexture: z.number(),
});
export type IlluminationSummary = z.infer<typeof IlluminationSummary>;
