import type { Detection } from '../domain/detection.js';
import { NotFoundError } from '../errors/index.js';
import type { Store } from '../store/store.js';
import type { ExportFibre, QupathExportOptions } from './export-geojson.js';
import type { ScoreExportRowInput } from './export-scores.js';
import type { ResearchRows } from './research-rows.js';
import { scoreValues } from './score-catalogue.js';

/**
 * The research rows as export rows (src/cohort/export-scores.ts): one per biopsy and marker (the
 * analysis the comparisons use), its catalogue scores by name, the slide's path and the
 * patient's IMACS responder status (null when unknown or undecided).
 */
export function researchExportRows(research: Pick<ResearchRows, 'analyses' | 'imacs'>): ScoreExportRowInput[] {
  const status = new Map(research.imacs.map((r) => [r.patient, r.responder]));
  return [...research.analyses.values()].map((a) => ({
    patient: a.patient!,
    timepoint: a.timepoint!,
    marker: a.marker!,
    slide: a.path,
    scores: scoreValues(a.scores, a.markerScores),
    responder: status.get(a.patient!) ?? null,
    reviewState: a.review.state,
    reviewVersion: a.review.version,
  }));
}

export interface AnalysisGeoJsonSource {
  cells: Detection[];
  fibres: ExportFibre[];
  options: QupathExportOptions;
  path: string;
}

/**
 * What a QuPath GeoJSON export of one finished analysis needs: its detections and fibres (µm,
 * level-0) and the slide's level-0 µm/px from the slide row, which turns them into QuPath's
 * level-0 pixels whatever level the analysis ran at. NotFoundError (naming the analysis) when
 * there is no such analysis or it has not finished.
 */
export async function analysisGeoJsonSource(store: Store, analysisId: number): Promise<AnalysisGeoJsonSource> {
  const a = await store.getAnalysis(analysisId);
  if (!a) throw new NotFoundError(`analysis ${analysisId} not found`);
  const row = (await store.listScores({ slideId: a.slideId })).find((r) => r.analysisId === analysisId);
  if (!row) throw new NotFoundError(`analysis ${analysisId} is ${a.status}, not finished: nothing to export`);
  // one read gives cells and fibres, both in tile order
  const tiles = await store.getTileResults(analysisId);
  return {
    cells: tiles.flatMap((t) => t.detections),
    fibres: tiles.flatMap((t) => t.fibres ?? []),
    options: { slide: row.sha256, mppUm: row.slideMpp },
    path: row.path,
  };
}
