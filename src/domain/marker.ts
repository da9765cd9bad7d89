import { z } from 'zod';
import { MetadataError } from '../errors/index.js';
import { Compartment } from './params.js';
import { MHC1_THRESHOLDS } from './mhc1-thresholds.js';

/**
 * The markers of the study and how each is measured (SCIENCE.md). A slide's marker decides
 * which scorers run; everything a score depends on (compartment, thresholds and where each
 * threshold comes from) is stated here so it can be stored with the scores.
 */

export const MarkerId = z.enum(['CD163', 'CD3', 'CD4', 'CD8', 'CD45', 'CD68', 'IL-1a', 'IL-1b', 'IL-1Ra', 'MHC-I']);
export type MarkerId = z.infer<typeof MarkerId>;

/** Where the stain sits, i.e. what is measured. 'fibre' = muscle fibre sarcolemma + sarcoplasm. */
export const MarkerCompartment = z.enum(['nucleus', 'cytoplasm', 'cell', 'membrane', 'fibre']);
export type MarkerCompartment = z.infer<typeof MarkerCompartment>;

/**
 * Scorers: 'cells' is the generic pipeline (density, H-score, Allred, % positive area, pixel
 * H-score) and runs for every marker; the others are the muscle-specific ones in src/score/.
 */
export const ScorerId = z.enum(['cells', 'cd163', 'infiltrates', 'il1', 'mhc1']);
export type ScorerId = z.infer<typeof ScorerId>;

export const ScoreId = z.enum([
  'cellsPerMm2',
  'positiveCellsPerMm2',
  'hScore',
  'allred',
  'pctPositiveArea',
  'pixelHScore',
  'positiveCellsPerMm2ByLocation',
  'infiltrateCellsPerMm2ByLocation',
  'clustersByLocation',
  'infiltrateGradeByLocation',
  'il1Expressed',
  'pctPositiveFibres',
  'mhc1Grade',
  'mhc1Pattern',
]);
export type ScoreId = z.infer<typeof ScoreId>;

export const Threshold = z.object({
  /** what the value is compared with, e.g. 'cell DAB OD 1+' */
  name: z.string().min(1),
  value: z.number(),
  unit: z.string(),
  /** SCIENCE.md section, a publication, or 'own choice: <why>' */
  source: z.string().min(1),
  /** true when no publication fixes the number and we chose it (the reason is in `source`) */
  ownChoice: z.boolean(),
});
export type Threshold = z.infer<typeof Threshold>;

export const MarkerSpec = z.object({
  id: MarkerId,
  /** display name */
  name: z.string().min(1),
  /** other spellings accepted in metadata (matched case-, space-, hyphen- and greek-insensitively) */
  aliases: z.array(z.string().min(1)),
  /** what the antibody marks */
  target: z.string().min(1),
  compartment: MarkerCompartment,
  /** the pipeline compartment whose mean DAB OD grades a cell for this marker */
  cellCompartment: Compartment,
  scores: z.array(ScoreId).min(1),
  thresholds: z.array(Threshold).min(1),
  scorers: z.array(ScorerId).min(1),
});
export type MarkerSpec = z.infer<typeof MarkerSpec>;

const CELL_GRADES: Threshold[] = [
  { name: 'cell DAB OD 1+', value: 0.2, unit: 'OD', source: 'SCIENCE.md "Cells" (QuPath defaults)', ownChoice: false },
  { name: 'cell DAB OD 2+', value: 0.4, unit: 'OD', source: 'SCIENCE.md "Cells" (QuPath defaults)', ownChoice: false },
  { name: 'cell DAB OD 3+', value: 0.6, unit: 'OD', source: 'SCIENCE.md "Cells" (QuPath defaults)', ownChoice: false },
];
const POSITIVE_AREA: Threshold = {
  name: 'pixel DAB OD for positive area',
  value: 0.25,
  unit: 'OD',
  source: 'SCIENCE.md "Scores" (% positive area)',
  ownChoice: false,
};
const CLUSTER: Threshold[] = [
  { name: 'cluster link distance', value: 20, unit: 'µm', source: 'SCIENCE.md "Scores" (cellular infiltrates: within ~20 µm)', ownChoice: false },
  { name: 'cluster minimum size', value: 10, unit: 'cells', source: 'SCIENCE.md "Scores" (clusters ≥10 cells); Wedderburn et al. 2007 JDM score tool', ownChoice: false },
];
const INFILTRATE: Threshold[] = [
  { name: 'infiltrate cells per HPF', value: 4, unit: 'cells/HPF', source: 'SCIENCE.md "Scores" (JDM score tool: <4 / ≥4 cells per HPF)', ownChoice: false },
  {
    name: 'HPF area',
    value: Math.PI * 0.55 * 0.55,
    unit: 'mm²',
    source: 'JDM score tool (Wedderburn et al. 2007) counts per HPF of a 20× objective; field number 22 assumed → 1.1 mm field, π·0.55² = 0.950 mm² (src/score/infiltrates.ts)',
    ownChoice: true,
  },
  {
    name: 'perivascular distance from vessel wall',
    value: 30,
    unit: 'µm',
    source: 'own choice: a perivascular cuff is a few cells thick; 30 µm ≈ 3–4 lymphocyte diameters (SCIENCE.md "Cells": ~7–10 µm)',
    ownChoice: true,
  },
  {
    name: 'narrowest perimysial septum (wider gaps between fibres are perimysium)',
    value: 12,
    unit: 'µm',
    source: 'own choice (src/score/perimysium-mask.ts): above endomysium and triple-junction gaps, below the narrowest septa; tuned on synthetic seeds 7 and 13',
    ownChoice: true,
  },
];
const IL1: Threshold[] = [
  {
    name: 'IL-1 expressed: % positive area',
    value: 1,
    unit: '%',
    source: 'own choice (src/score/il1.ts): binary call of the study, SCIENCE.md "Scores" IL-1; 1% sits well above stain noise',
    ownChoice: true,
  },
  {
    name: 'IL-1 expressed: positive cells per mm²',
    value: 10,
    unit: 'cells/mm²',
    source: 'own choice (src/score/il1.ts): binary call of the study, SCIENCE.md "Scores" IL-1',
    ownChoice: true,
  },
];
const MHC1: Threshold[] = [
  {
    name: 'fibre border-ring DAB OD (positive fibre)',
    value: MHC1_THRESHOLDS.ring,
    unit: 'OD',
    source: 'own choice (src/score/mhc1.ts): SCIENCE.md "Cells" 1+ threshold 0.2 lowered because the ring mean dilutes a thin stained sarcolemma',
    ownChoice: true,
  },
  {
    name: 'fibre interior DAB OD (positive fibre)',
    value: MHC1_THRESHOLDS.interior,
    unit: 'OD',
    source: 'SCIENCE.md "Cells" 1+ DAB threshold (applied in src/score/mhc1.ts)',
    ownChoice: false,
  },
  { name: 'MHC-I grade 1 upper bound', value: 10, unit: '% positive fibres', source: 'SCIENCE.md "Scores" MHC class I (Das et al.)', ownChoice: false },
  { name: 'MHC-I grade 2 upper bound', value: 25, unit: '% positive fibres', source: 'SCIENCE.md "Scores" MHC class I (Das et al.)', ownChoice: false },
  { name: 'MHC-I grade 3 upper bound', value: 50, unit: '% positive fibres', source: 'SCIENCE.md "Scores" MHC class I (Das et al.)', ownChoice: false },
  { name: 'MHC-I grade 4 upper bound', value: 99, unit: '% positive fibres', source: 'SCIENCE.md "Scores" MHC class I (Das et al.)', ownChoice: false },
];

const CELL_SCORES: ScoreId[] = ['cellsPerMm2', 'positiveCellsPerMm2', 'hScore', 'allred', 'pctPositiveArea', 'pixelHScore'];
const INFILTRATE_SCORES: ScoreId[] = [
  ...CELL_SCORES,
  'positiveCellsPerMm2ByLocation',
  'infiltrateCellsPerMm2ByLocation',
  'clustersByLocation',
  'infiltrateGradeByLocation',
];

function lymphocyteMarker(id: 'CD3' | 'CD4' | 'CD8', target: string, aliases: string[]): MarkerSpec {
  return {
    id,
    name: id,
    aliases,
    target,
    compartment: 'membrane',
    // at 0.5 µm/px a membrane stain falls in the thin ring around a lymphocyte nucleus
    cellCompartment: 'cytoplasm',
    scores: INFILTRATE_SCORES,
    thresholds: [...CELL_GRADES, POSITIVE_AREA, ...CLUSTER, ...INFILTRATE],
    scorers: ['cells', 'infiltrates'],
  };
}

function il1Marker(id: 'IL-1a' | 'IL-1b' | 'IL-1Ra', name: string, target: string, aliases: string[]): MarkerSpec {
  return {
    id,
    name,
    aliases,
    target,
    compartment: 'cytoplasm',
    cellCompartment: 'cell',
    scores: [...CELL_SCORES, 'il1Expressed'],
    thresholds: [...CELL_GRADES, POSITIVE_AREA, ...IL1],
    scorers: ['cells', 'il1'],
  };
}

export const MARKERS: readonly MarkerSpec[] = z.array(MarkerSpec).parse([
  {
    id: 'CD163',
    name: 'CD163',
    aliases: ['CD-163', 'M130', 'CD163 macrophages'],
    target: 'M2-type (scavenger receptor) macrophages',
    compartment: 'cell',
    cellCompartment: 'cell',
    scores: INFILTRATE_SCORES,
    thresholds: [...CELL_GRADES, POSITIVE_AREA, ...CLUSTER, ...INFILTRATE],
    scorers: ['cells', 'cd163', 'infiltrates'],
  },
  lymphocyteMarker('CD3', 'T lymphocytes', ['CD-3', 'CD3e', 'T cells']),
  lymphocyteMarker('CD4', 'helper T lymphocytes', ['CD-4']),
  lymphocyteMarker('CD8', 'cytotoxic T lymphocytes', ['CD-8', 'CD8a']),
  {
    // leukocyte common antigen: every mononuclear inflammatory cell (lymphocytes and macrophages),
    // the IHC stand-in for "mononuclear cellular infiltrates" counted on H&E
    id: 'CD45',
    name: 'CD45',
    aliases: ['CD-45', 'LCA', 'PTPRC', 'leukocyte common antigen'],
    target: 'all leukocytes (mononuclear infiltrates: lymphocytes and macrophages)',
    compartment: 'membrane',
    cellCompartment: 'cell',
    scores: INFILTRATE_SCORES,
    thresholds: [...CELL_GRADES, POSITIVE_AREA, ...CLUSTER, ...INFILTRATE],
    scorers: ['cells', 'infiltrates'],
  },
  {
    id: 'CD68',
    name: 'CD68',
    aliases: ['CD-68', 'KP1', 'PGM1'],
    target: 'macrophages (lysosomal glycoprotein)',
    compartment: 'cytoplasm',
    cellCompartment: 'cell',
    scores: INFILTRATE_SCORES,
    thresholds: [...CELL_GRADES, POSITIVE_AREA, ...CLUSTER, ...INFILTRATE],
    scorers: ['cells', 'infiltrates'],
  },
  il1Marker('IL-1a', 'IL-1α', 'interleukin-1 alpha', ['IL-1α', 'IL1A', 'IL-1 alpha', 'interleukin-1 alpha', 'interleukin 1 alpha']),
  il1Marker('IL-1b', 'IL-1β', 'interleukin-1 beta', ['IL-1β', 'IL1B', 'IL-1 beta', 'interleukin-1 beta', 'interleukin 1 beta']),
  il1Marker('IL-1Ra', 'IL-1Ra', 'interleukin-1 receptor antagonist', [
    'IL1RA',
    'IL-1RA',
    'IL1RN',
    'IL-1 receptor antagonist',
    'interleukin-1 receptor antagonist',
    'interleukin 1 receptor antagonist',
  ]),
  {
    id: 'MHC-I',
    name: 'MHC class I',
    aliases: ['MHC class I', 'MHC I', 'MHC1', 'MHC-1', 'HLA-ABC', 'HLA class I', 'HLA-I'],
    target: 'MHC class I on muscle fibres (sarcolemma and sarcoplasm)',
    compartment: 'fibre',
    cellCompartment: 'cell',
    scores: ['pctPositiveArea', 'pixelHScore', 'pctPositiveFibres', 'mhc1Grade', 'mhc1Pattern'],
    thresholds: [POSITIVE_AREA, ...MHC1],
    scorers: ['cells', 'mhc1'],
  },
]);

/**
 * Spelling-insensitive key: case, spaces, hyphens, dots, underscores and the greek α/β
 * (= a/b) do not matter, so 'IL-1 Ra', 'il1ra' and 'IL-1RA' are one marker.
 */
export function markerKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/α/g, 'a')
    .replace(/β/g, 'b')
    .replace(/[\s\-_.·/]+/g, '');
}

const BY_KEY: ReadonlyMap<string, MarkerSpec> = (() => {
  const map = new Map<string, MarkerSpec>();
  for (const m of MARKERS) {
    for (const spelling of [m.id, m.name, ...m.aliases]) {
      const key = markerKey(spelling);
      const other = map.get(key);
      // two markers answering to one spelling would silently score a slide with the wrong scorers
      if (other && other.id !== m.id) throw new Error(`marker registry: '${spelling}' names both ${other.id} and ${m.id}`);
      map.set(key, m);
    }
  }
  return map;
})();

/** The canonical names of the known markers, in registry order. */
export function knownMarkers(): MarkerId[] {
  return MARKERS.map((m) => m.id);
}

/** The registry entry for a marker name or alias; MetadataError naming the marker and the known ones otherwise. */
export function markerFor(name: string): MarkerSpec {
  const found = BY_KEY.get(markerKey(name));
  if (!found) {
    throw new MetadataError(`unknown marker '${name}': known markers are ${MARKERS.map((m) => m.name === m.id ? m.id : `${m.id} (${m.name})`).join(', ')}`);
  }
  return found;
}

/** Whether `scorer` runs for slides stained with `marker`. */
export function runsScorer(marker: MarkerSpec, scorer: ScorerId): boolean {
  return marker.scorers.includes(scorer);
}

/** The registry entry for a marker name, or undefined when the name is not a known marker. */
export function findMarker(name: string): MarkerSpec | undefined {
  return BY_KEY.get(markerKey(name));
}
