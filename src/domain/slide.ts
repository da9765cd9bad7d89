import { z } from 'zod';

/** What a pathologist submits with a slide. Pixel size may come from the file instead. */
export const SlideMetadata = z.object({
  /** pseudonymised patient id, never a name */
  patient: z.string().min(1).max(64).optional(),
  timepoint: z.string().min(1).max(32).optional(),
  marker: z.string().min(1).max(32).optional(),
  /** µm per pixel at level 0; overrides nothing the file states unless the file has none */
  mpp: z.number().positive().max(100).optional(),
});
export type SlideMetadata = z.infer<typeof SlideMetadata>;

export const SlideFormat = z.enum(['png', 'jpeg', 'tiff', 'bigtiff', 'svs', 'ome-tiff']);
export type SlideFormat = z.infer<typeof SlideFormat>;
