import type { Detection, TileResult } from '../../src/domain/detection.js';
import type { Visit } from '../../src/domain/outcome.js';
import type { MarkerScores } from '../../src/score/marker-scores.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { CohortInput } from '../../src/store/store.js';
import { analysisInput, exactTile, markerScores, scoresOf, slideInput } from '../store/fixtures.js';

/**
 * A six-patient cohort with hand-chosen scores, so every comparison has a known answer:
 * - P01–P03 are IMACS responders (all six core measures ≥ 20 % better at month-6), P04–P06 are
 *   not (nothing changes).
 * - CD163 density, baseline → month-6: differences −40, −50, +6, −10, +7, +20 → |d| ranks 5, 6, 1,
 *   3, 2, 4; V = 1 + 2 + 4 = 7; exact two-sided p = 2 · 18/64 = 0.5625 (18 of the 64 sign patterns
 *   of n = 6 have V ≤ 7).
 * - CD163 density at baseline: responders 100, 90, 80 all below non-responders 150, 110, 120 →
 *   W = 0; exact two-sided p = 2 · 1/20 = 0.1.
 * - IL-1a % positive area at baseline 1…6 vs FI-2 at month-6 10, 20, 40, 30, 50, 60 (one adjacent
 *   swap): Σd² = 2, ρ = 1 − 6·2/(6·35) = 0.942857; exact two-sided p = 2 · 6/720 = 0.016667
 *   (identity + 5 adjacent swaps have Σd² ≤ 2). FI-2 at baseline is 10 for everybody, so the
 *   change since baseline has the same ranks and the same ρ.
 * - IL-1Ra expressed at month-6 in 3/3 responders and 0/3 non-responders: Fisher two-sided
 *   p = 2/20 = 0.1.
 */
export const PATIENTS = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'] as const;
export const CD163_BASELINE = [100, 90, 80, 150, 110, 120];
export const CD163_MONTH6 = [60, 40, 86, 140, 117, 140];
export const IL1A_BASELINE = [1, 2, 3, 4, 5, 6];
export const FI2_MONTH6 = [10, 20, 40, 30, 50, 60];
export const IL1RA_EXPRESSED = [true, true, true, false, false, false];

const responderBaseline = { physicianGlobal: 6, patientGlobal: 6, mmt8: 60, haq: 1.5, extramuscular: 4, ck: 2000 };
const responderMonth6 = { physicianGlobal: 3, patientGlobal: 3, mmt8: 75, haq: 0.9, extramuscular: 2, ck: 500 };

export function cohortInput(): CohortInput {
  const visits: Visit[] = PATIENTS.flatMap((patient, i) => [
    { patient, timepoint: 'baseline' as const, date: '2024-01-10', ...responderBaseline, fi2: 10 },
    { patient, timepoint: 'month-6' as const, date: '2024-07-10', ...(i < 3 ? responderMonth6 : responderBaseline), fi2: FI2_MONTH6[i] },
  ]);
  return {
    patients: PATIENTS.map((pseudonym) => ({ pseudonym, diagnosis: 'DM' as const })),
    biopsies: PATIENTS.flatMap((patient) => [
      { patient, timepoint: 'baseline' as const, date: '2024-01-10', muscle: 'vastus lateralis' },
      { patient, timepoint: 'month-6' as const, date: '2024-07-10', muscle: 'vastus lateralis' },
    ]),
    slides: PATIENTS.flatMap((patient) => [
      { patient, timepoint: 'baseline' as const, marker: 'CD163', file: `${patient}-b-cd163.tif` },
      { patient, timepoint: 'month-6' as const, marker: 'CD163', file: `${patient}-m6-cd163.tif` },
      { patient, timepoint: 'baseline' as const, marker: 'IL-1a', file: `${patient}-b-il1a.tif` },
      { patient, timepoint: 'month-6' as const, marker: 'IL-1Ra', file: `${patient}-m6-il1ra.tif` },
    ]),
    visits,
  };
}

export interface SeededAnalysis {
  analysisId: number;
  slideId: number;
  detections: Detection[];
  fibres: number;
}

/**
 * One finished analysis with the given density (positive cells/mm²) and % positive area; the
 * tile holds `cells` exact detections and `fibres` fibres, so a GeoJSON export has a known size.
 */
export async function seedAnalysis(
  store: SqlStore,
  o: { name: string; patient?: string; timepoint?: string; marker?: string; density: number; pctPositiveArea: number; markerScores?: MarkerScores; cells?: number; fibres?: number; params?: Parameters<typeof analysisInput>[2]; modelId?: string },
): Promise<SeededAnalysis> {
  const meta = Object.fromEntries(Object.entries({ patient: o.patient, timepoint: o.timepoint, marker: o.marker }).filter(([, v]) => v !== undefined));
  const slideId = await store.upsertSlide(slideInput(o.name, meta));
  const a = { ...analysisInput(slideId, 1, o.params), ...(o.modelId ? { modelId: o.modelId } : {}) };
  const { analysisId } = await store.beginAnalysis(a);
  const tiles: TileResult[] = [exactTile(0, o.cells ?? 3, o.fibres === undefined ? null : { fibres: o.fibres })];
  await store.saveTileResults(analysisId, tiles);
  await store.finishAnalysis(analysisId, { ...scoresOf(tiles, a.mpp), positiveCellsPerMm2: o.density, pctPositiveArea: o.pctPositiveArea }, o.markerScores);
  return { analysisId, slideId, detections: tiles[0].detections, fibres: o.fibres ?? 0 };
}

function il1ra(expressed: boolean): MarkerScores {
  const m = markerScores('il1ra');
  m.il1 = { ...m.il1!, expressed, expressedBy: expressed ? ['area'] : [], pctPositiveArea: expressed ? 3.2 : 0.4 };
  return m;
}

/** The six-patient cohort: visits imported, 24 analyses stored (CD163 ×2, IL-1a, IL-1Ra per patient). */
export async function seedCohort(store: SqlStore): Promise<Map<string, SeededAnalysis>> {
  await store.importCohort(cohortInput());
  const out = new Map<string, SeededAnalysis>();
  for (const [i, patient] of PATIENTS.entries()) {
    const seeds = [
      { name: `${patient}-b-cd163`, timepoint: 'baseline', marker: 'CD163', density: CD163_BASELINE[i], pctPositiveArea: 2 },
      { name: `${patient}-m6-cd163`, timepoint: 'month-6', marker: 'CD163', density: CD163_MONTH6[i], pctPositiveArea: 2 },
      { name: `${patient}-b-il1a`, timepoint: 'baseline', marker: 'IL-1a', density: 5, pctPositiveArea: IL1A_BASELINE[i] },
      { name: `${patient}-m6-il1ra`, timepoint: 'month-6', marker: 'IL-1Ra', density: 5, pctPositiveArea: 1, markerScores: il1ra(IL1RA_EXPRESSED[i]) },
    ];
    for (const s of seeds) out.set(s.name, await seedAnalysis(store, { ...s, patient }));
  }
  return out;
}
