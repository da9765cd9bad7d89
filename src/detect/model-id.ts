import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisParams } from '../domain/params.js';
import { MODEL_ID_CLASSICAL } from '../domain/version.js';

/** the shipped nucleus model (`npm run train` writes it) */
export const NUCLEUS_MODEL_DIR = fileURLToPath(new URL('../../models/nuclei-unet', import.meta.url));
/** earlier and fine-tuned versions, one folder per weights hash (`train --from-corrections` writes them) */
export const NUCLEUS_MODEL_VERSIONS_DIR = join(NUCLEUS_MODEL_DIR, 'versions');

/** The folder of the model the parameters pick: a stored version, or the shipped model. */
export function modelDirFor(params: Pick<AnalysisParams, 'modelVersion'>): string {
  return params.modelVersion ? join(NUCLEUS_MODEL_VERSIONS_DIR, params.modelVersion) : NUCLEUS_MODEL_DIR;
}

const learnedIds = new Map<string, string>();

/** The detector's id stored with the scores: the classical one, or the model's (name@weights sha). */
export function modelIdFor(params: Pick<AnalysisParams, 'detector' | 'modelVersion'>): string {
  if (params.detector === 'classical') return MODEL_ID_CLASSICAL;
  const dir = modelDirFor(params);
  let id = learnedIds.get(dir);
  if (id === undefined) {
    id = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { biopsyQuant: { id: string } }).biopsyQuant.id;
    learnedIds.set(dir, id);
  }
  return id;
}
