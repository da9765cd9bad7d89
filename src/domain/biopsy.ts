import { z } from 'zod';
import { MarkerId, markerFor } from './marker.js';
import { Pseudonym } from './patient.js';

/** Study timepoints, in order; a biopsy and a visit each belong to one. */
export const TIMEPOINTS = ['baseline', 'month-6', 'month-12'] as const;
export const Timepoint = z.enum(TIMEPOINTS);
export type Timepoint = z.infer<typeof Timepoint>;

// keys as spelled by timepointKey: case, spaces and punctuation do not matter
const TIMEPOINT_SPELLINGS: Readonly<Record<string, Timepoint>> = {
  baseline: 'baseline',
  month0: 'baseline',
  m0: 'baseline',
  month6: 'month-6',
  m6: 'month-6',
  month12: 'month-12',
  m12: 'month-12',
};
const timepointKey = (raw: string) => raw.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The study timepoint a spelling names ('M6', 'month 6', 'Month-6' …), or undefined. */
export function findTimepoint(raw: string): Timepoint | undefined {
  return TIMEPOINT_SPELLINGS[timepointKey(raw)];
}

/**
 * The name a timepoint is stored and queried under: the study timepoint for any spelling of one,
 * otherwise the name as given, trimmed (a slide may be analysed outside the study's visits;
 * the research rows leave it out and say why).
 */
export function canonicalTimepoint(raw: string): string {
  const trimmed = raw.trim();
  return findTimepoint(trimmed) ?? trimmed;
}

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

/**
 * The key of a biopsy, `<patient>:<timepoint>`: one biopsy is one patient's sample at one
 * timepoint; null when either is unknown. The only place a biopsy key is built (a pseudonym
 * has no ':', so the key splits back unambiguously at its last one).
 */
export function biopsyOf(patient: string, timepoint: string): string;
export function biopsyOf(patient: string | null, timepoint: string | null): string | null;
export function biopsyOf(patient: string | null, timepoint: string | null): string | null {
  return patient !== null && timepoint !== null ? `${patient}:${timepoint}` : null;
}

/** A biopsy key back into patient and timepoint (as written; see canonicalTimepoint); undefined when it is not `<patient>:<timepoint>`. */
export function parseBiopsy(key: string): { patient: string; timepoint: string } | undefined {
  const at = key.lastIndexOf(':');
  if (at <= 0 || at === key.length - 1) return undefined;
  return { patient: key.slice(0, at), timepoint: key.slice(at + 1) };
}

/** One slide of a biopsy: the biopsy key and the marker, `<patient>:<timepoint>:<marker>`. */
export function biopsySlideOf(patient: string, timepoint: string, marker: string): string {
  return `${biopsyOf(patient, timepoint)}:${marker}`;
}
