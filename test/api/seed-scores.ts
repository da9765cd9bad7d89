import type { MarkerScores } from '../../src/score/marker-scores.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { analysisInput, scoresOf, slideInput, tile } from '../store/fixtures.js';

export interface Seeded {
  slideId: number;
  analysisId: number;
  patient: string;
  timepoint: string;
  marker: string;
}

/** Finished analyses with scores derived from their tiles, for the score routes to read back. */
export async function seedScores(
  store: SqlStore,
  slides: { name: string; patient: string; timepoint: string; marker: string; cells: number; markerScores?: MarkerScores }[],
): Promise<Seeded[]> {
  const out: Seeded[] = [];
  for (const s of slides) {
    const slideId = await store.upsertSlide(slideInput(s.name, { patient: s.patient, timepoint: s.timepoint, marker: s.marker }));
    const a = analysisInput(slideId, 2);
    const { analysisId } = await store.beginAnalysis(a);
    const tiles = [tile(0, s.cells), tile(1, s.cells + 3)];
    await store.saveTileResults(analysisId, tiles);
    await store.finishAnalysis(analysisId, scoresOf(tiles, a.mpp), s.markerScores);
    out.push({ slideId, analysisId, patient: s.patient, timepoint: s.timepoint, marker: s.marker });
  }
  return out;
}
