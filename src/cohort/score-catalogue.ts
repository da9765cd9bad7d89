import type { SlideScores } from '../domain/scores.js';
import type { MarkerScores } from '../score/marker-scores.js';

/**
 * The scores a researcher can compare, by name, from one slide's stored scores and marker scores.
 * Names are what `compare --score`, the exports and the comparison table use. `density` is the
 * marker's own density: CD163+ macrophages for CD163, marker-positive infiltrating cells for the
 * lymphocyte / leukocyte / macrophage markers, positive cells otherwise (all per mm² of tissue).
 */
export interface ScoreDefinition {
  name: string;
  unit: string;
  description: string;
  /** undefined when the slide has no such score (e.g. MHC-I grade of a CD163 slide) */
  value: (s: SlideScores, m: MarkerScores | null) => number | undefined;
}

const loc = ['endomysial', 'perimysial', 'perivascular'] as const;

export const SCORES: readonly ScoreDefinition[] = [
  { name: 'density', unit: '1/mm²', description: "the marker's own cells per mm² of tissue", value: (s, m) => m?.cd163?.positiveCellsPerMm2 ?? m?.infiltrates?.cellsPerMm2 ?? s.positiveCellsPerMm2 },
  { name: 'cellsPerMm2', unit: '1/mm²', description: 'all detected nucleated cells per mm² of tissue', value: (s) => s.cellsPerMm2 },
  { name: 'positiveCellsPerMm2', unit: '1/mm²', description: 'cells graded ≥ 1+ per mm² of tissue', value: (s) => s.positiveCellsPerMm2 },
  { name: 'pctPositive', unit: '% of cells', description: 'cells graded ≥ 1+', value: (s) => s.pctPositive },
  { name: 'hScore', unit: '0–300', description: 'cell H-score', value: (s) => s.hScore },
  { name: 'allred', unit: '0–8', description: 'Allred score', value: (s) => s.allred },
  { name: 'pctPositiveArea', unit: '% of tissue', description: 'DAB-positive tissue pixels', value: (s) => s.pctPositiveArea },
  { name: 'pixelHScore', unit: '0–300', description: 'pixel-wise H-score', value: (s) => s.pixelHScore },
  ...loc.map((l) => ({
    name: `density_${l}`,
    unit: '1/mm²',
    description: `the marker's own ${l} cells per mm² of tissue`,
    value: (_s: SlideScores, m: MarkerScores | null) => m?.cd163?.byLocation?.[l].cellsPerMm2 ?? m?.infiltrates?.byLocation[l].cellsPerMm2,
  })),
  { name: 'clusters', unit: 'count', description: 'clusters of ≥ 10 marker-positive cells', value: (_s, m) => m?.infiltrates?.clusters.length },
  { name: 'mhc1PctPositive', unit: '% of fibres', description: 'MHC-I positive fibres', value: (_s, m) => m?.mhc1?.percentPositive },
  { name: 'mhc1Grade', unit: '0–5', description: 'MHC-I grade (Das)', value: (_s, m) => m?.mhc1?.grade },
  { name: 'expressed', unit: '0/1', description: 'IL-1 family "expressed" call', value: (_s, m) => (m?.il1 ? (m.il1.expressed ? 1 : 0) : undefined) },
];

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
