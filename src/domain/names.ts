import { z } from 'zod';
import { biopsyOf, canonicalTimepoint, parseBiopsy } from './biopsy.js';
import { PSEUDONYM_PATTERN } from './patient.js';
import { canonicalMarker } from './marker.js';

/**
 * Names as they come through the door (CLI flags, manifests, API bodies and queries, the store's
 * own inputs), made canonical once there, so a stain or a visit is never stored or looked up
 * under two spellings. Each is a string in, a string out (an overwrite, not a transform, so the
 * OpenAPI document still says "string"), and canonical names pass through unchanged.
 */

// room for the registry's longest spellings ('interleukin-1 receptor antagonist')
const MAX_NAME = 64;

/** A slide's marker, any registry spelling → the registry id; an unknown stain kept as given, trimmed. */
export const MarkerLabel = z.string().trim().min(1).max(MAX_NAME).overwrite(canonicalMarker);

/** A slide's timepoint, any spelling of a study timepoint ('M6', 'month 6') → 'month-6'; another kept as given, trimmed. */
export const TimepointLabel = z.string().trim().min(1).max(MAX_NAME).overwrite(canonicalTimepoint);

/** A biopsy key `<patient>:<timepoint>`, its patient a pseudonym, its timepoint made canonical like TimepointLabel. */
export const BiopsyKey = z
  .string()
  .regex(/^.+:[^:]+$/, 'must be <patient>:<timepoint>')
  // an unparsable key is the regex's to report
  .refine((key) => {
    const b = parseBiopsy(key);
    return b === undefined || PSEUDONYM_PATTERN.test(b.patient.trim());
  }, 'the patient of <patient>:<timepoint> must be a pseudonym (letters, digits, . _ -, at least one digit, no spaces), never a name')
  .overwrite((key) => {
    const b = parseBiopsy(key);
    return b ? biopsyOf(b.patient, canonicalTimepoint(b.timepoint)) : key;
  });
