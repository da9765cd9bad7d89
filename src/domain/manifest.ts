import { z } from 'zod';
import { SlideMetadata } from './slide.js';

/** A batch of slides with their metadata; file paths are relative to the manifest. */
export const ManifestEntry = SlideMetadata.extend({
  file: z.string().min(1),
  /** ground-truth JSON of a synthetic slide, relative to the manifest */
  truth: z.string().min(1).optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const Manifest = z.object({ slides: z.array(ManifestEntry).min(1) });
export type Manifest = z.infer<typeof Manifest>;
