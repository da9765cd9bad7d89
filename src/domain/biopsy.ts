import { z } from 'zod';
import { MarkerId, markerFor } from './marker.js';
import { Pseudonym } from './patient.js';

/** Study timepoints, in order; a biopsy and a visit each belong to one. */
export const TIMEPOINTS = ['baseline', 'month-6', 'month-12'] as const;
export const Timepoint = z.enum(TIMEPOINTS);
export type Timepoint = z.infer<typeof Timepoint>;

/** Calendar date, ISO `YYYY-MM-DD`, checked to be a real day (no 2024-02-30). */
export const IsoDate = z.iso.date();

/** One biopsy of one patient at one timepoint; serial sections of it become slides. */
export const Biopsy = z.object({
  patient: Pseudonym,
  timepoint: Timepoint,
  date: IsoDate,
  /** biopsied muscle, e.g. "vastus lateralis", "deltoid" */
  muscle: z.string().trim().min(1).max(64),
});
export type Biopsy = z.infer<typeof Biopsy>;

/**
 * Marker given by any spelling the registry knows (`IL1RA`, `IL-1 receptor antagonist`, …),
 * stored as its canonical id so the same stain never appears under two names.
 */
export const MarkerName = z.string().transform((name, ctx) => {
  try {
    return markerFor(name).id;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
}).pipe(MarkerId);

/**
 * One stained serial section of a biopsy: one slide per marker per biopsy, so
 * (patient, timepoint, marker) identifies it.
 */
export const BiopsySlide = z.object({
  patient: Pseudonym,
  timepoint: Timepoint,
  marker: MarkerName,
  /** slide file path as the pathologist names it (relative to the data directory) */
  file: z.string().trim().min(1).max(512),
});
export type BiopsySlide = z.infer<typeof BiopsySlide>;

/** One biopsy is one patient's sample at one timepoint; null when either is unknown. */
export function biopsyOf(patient: string | null, timepoint: string | null): string | null {
  return patient !== null && timepoint !== null ? `${patient}:${timepoint}` : null;
}
