import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnalysisParams } from '../domain/params.js';
import { MODEL_ID_CLASSICAL } from '../domain/version.js';

/** the shipped nucleus model (`npm run train` writes it) */
export const NUCLEUS_MODEL_DIR = fileURLToPath(new URL('../../models/nuclei-unet', import.meta.url));

let learnedId: string | undefined;

/** The detector's id stored with the scores: the classical one, or the model's (name@weights sha). */
export function modelIdFor(params: Pick<AnalysisParams, 'detector'>): string {
  if (params.detector === 'classical') return MODEL_ID_CLASSICAL;
  learnedId ??= (JSON.parse(readFileSync(`${NUCLEUS_MODEL_DIR}/model.json`, 'utf8')) as { biopsyQuant: { id: string } }).biopsyQuant.id;
  return learnedId;
}
