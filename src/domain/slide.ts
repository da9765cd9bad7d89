import { z } from 'zod';
import { MarkerLabel, TimepointLabel } from './names.js';
import { Pseudonym } from './patient.js';

/**
 * What a pathologist submits with a slide. Pixel size may come from the file instead. Marker and
 * timepoint come out canonical (src/domain/names.ts): every way in parses with this schema.
 */
export const SlideMetadata = z.object({
  /** pseudonymised patient id, never a name: every way in (API, upload, CLI, manifest, queue) refuses one */
  patient: Pseudonym.optional(),
  timepoint: TimepointLabel.optional(),
  marker: MarkerLabel.optional(),
  /** µm per pixel at level 0; overrides nothing the file states unless the file has none */
  mpp: z.number().positive().max(100).optional(),
});
export type SlideMetadata = z.infer<typeof SlideMetadata>;

export const SlideFormat = z.enum([
  'png',
  'jpeg',
  'tiff',
  'bigtiff',
  'svs',
  'ome-tiff',
  // read through OpenSlide (Debian libopenslide0), issue 11
  'ndpi',
  'mrxs',
  'scn',
  'bif',
  'philips-tiff',
  'vms',
  // DICOM whole-slide image series (Part-10 files, one per level), issue 11
  'dicom',
]);
export type SlideFormat = z.infer<typeof SlideFormat>;
