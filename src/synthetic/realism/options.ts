/**
 * What real lab slides vary and a clean synthetic slide does not (issue 10): uneven
 * illumination and artefacts. One block shared by cell scenes and muscle sections; absent, a
 * scene renders exactly as before (nothing is drawn from the scene's other random streams).
 */
import { z } from 'zod';

/** SCIENCE.md "Illumination and background": a few percent corner to centre; issue 10: up to ±6 % */
export const MAX_RANDOM_ILLUMINATION = 0.06;

export const ARTEFACT_TYPES = ['focus', 'fold', 'ice', 'pen', 'bubble'] as const;
export type ArtefactType = (typeof ARTEFACT_TYPES)[number];

/** an amplitude (0.06 = ±6 %) or 'random': drawn from the seed in [0, MAX_RANDOM_ILLUMINATION] */
const Amplitude = z.union([z.number().min(0).max(0.2), z.literal('random')]);
const Count = z.number().int().min(0).max(20).default(0);

export const RealismOptions = z
  .object({
    /** linear illumination gradient in a random direction: I0 varies by ±gradient across the image */
    gradient: Amplitude.default(0),
    /** radial vignetting: the corners are darker than the centre by this fraction */
    vignette: Amplitude.default(0),
    /** how many of each artefact to plant (ice: freezing-artefact regions, muscle sections only) */
    artefacts: z
      .object({ focus: Count, fold: Count, ice: Count, pen: Count, bubble: Count })
      .strict()
      .default({ focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0 }),
  })
  .strict();
export type RealismOptionsInput = z.input<typeof RealismOptions>;
export type RealismConfig = z.output<typeof RealismOptions>;
