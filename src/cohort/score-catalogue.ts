import { fieldValue, SCORE_FIELDS } from '../domain/score-fields.js';
import type { SlideScores } from '../domain/scores.js';
import type { MarkerScores } from '../score/marker-scores.js';

/**
 * The scores a researcher can compare, by name, from one slide's stored scores and marker scores:
 * the comparable fields of the score fields table (src/domain/score-fields.ts). Names are what
 * `compare --score`, the exports and the comparison table use.
 */
export interface ScoreDefinition {
  name: string;
  unit: string;
  description: string;
  /** undefined when the slide has no such score (e.g. MHC-I grade of a CD163 slide); a yes/no call is 1/0 */
  value: (s: SlideScores, m: MarkerScores | null) => number | undefined;
}

export const SCORES: readonly ScoreDefinition[] = SCORE_FIELDS.filter((f) => f.compare).map((f) => ({
  name: f.name,
  unit: f.unit,
  description: f.description,
  value: (s: SlideScores, m: MarkerScores | null) => {
    const v = fieldValue(f, { scores: s, markerScores: m });
    return typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' ? v : undefined;
  },
}));

const BY_NAME = new Map(SCORES.map((d) => [d.name, d]));

export function scoreDefinition(name: string): ScoreDefinition | undefined {
  return BY_NAME.get(name);
}

/** Every catalogued score the slide has, by name. */
export function scoreValues(scores: SlideScores, markerScores: MarkerScores | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of SCORES) {
    const v = d.value(scores, markerScores);
    if (v !== undefined && Number.isFinite(v)) out[d.name] = v;
  }
  return out;
}

/** The IL-1 "expressed" call of a slide, for Fisher's test; undefined for markers without one. */
export function expressedCall(markerScores: MarkerScores | null): boolean | undefined {
  return markerScores?.il1?.expressed;
}
