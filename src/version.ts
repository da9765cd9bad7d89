import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnalysisParams } from './domain/params.js';

/**
 * Version of the analysis code, stored with every score. Bump the analysis part whenever a change
 * can move a number, so old and new results are never mixed under one parameters hash.
 * 2: muscle analysis (section tissue, fibres, locations, marker scores).
 */
export const ANALYSIS_VERSION = 'bq-analysis-2';
export const MODEL_ID_CLASSICAL = 'classical-watershed-1';
/** the shipped nucleus model (`npm run train` writes it) */
export const NUCLEUS_MODEL_DIR = fileURLToPath(new URL('../models/nuclei-unet', import.meta.url));

let learnedId: string | undefined;

/** The detector's id stored with the scores: the classical one, or the model's (name@weights sha). */
export function modelIdFor(params: Pick<AnalysisParams, 'detector'>): string {
  if (params.detector === 'classical') return MODEL_ID_CLASSICAL;
  learnedId ??= (JSON.parse(readFileSync(`${NUCLEUS_MODEL_DIR}/model.json`, 'utf8')) as { biopsyQuant: { id: string } }).biopsyQuant.id;
  return learnedId;
}
