import { correctionEffects } from '../domain/corrections.js';
import type { RegionSet, ReviewRegion } from '../domain/review.js';
import { StoreConflictError, StoreNotFoundError } from '../errors/index.js';
import { rescore, type Rescoring } from '../score/rescore.js';
import type { ScoreRow, Store } from '../store/store.js';

export interface AnalysisRescoring extends Rescoring {
  /** the finished analysis as stored (its slide, provenance and listed scores); review.corrections is this rescoring's */
  row: ScoreRow;
  /** the region version scored; null when none was saved (then the scores are the stored ones) */
  regions: RegionSet | null;
  /** the correction set applied: every correction with seq ≤ this (0: none) */
  correctionSeq: number;
}

/** The finished analysis's stored row; StoreNotFoundError when there is none, StoreConflictError while it is not done. */
export async function finishedAnalysis(store: Store, analysisId: number): Promise<ScoreRow> {
  const a = await store.getAnalysis(analysisId);
  if (!a) throw new StoreNotFoundError(`analysis ${analysisId} does not exist`);
  const row = (await store.listScores({ slideId: a.slideId })).find((r) => r.analysisId === analysisId);
  if (!row) throw new StoreConflictError(`analysis ${analysisId} is ${a.status}; regions are scored on a finished analysis`);
  return row;
}

/** The analysis's region version (the latest when none is named; null when none was saved); StoreNotFoundError for a named version that does not exist. */
export async function regionVersion(store: Store, analysisId: number, version?: number): Promise<RegionSet | null> {
  const set = (await store.getRegions(analysisId, version)) ?? null;
  if (version !== undefined && !set) throw new StoreNotFoundError(`analysis ${analysisId} has no region version ${version}`);
  return set;
}

/**
 * Saves regions as the analysis's next version, scored first: regions the analysis cannot be
 * scored in (tiles without an area grid) are refused and never stored.
 */
export async function saveRegionsRescored(store: Store, analysisId: number, input: { regions: ReviewRegion[]; author: string; baseVersion?: number }): Promise<AnalysisRescoring & { regions: RegionSet }> {
  const scoring = await rescoreAnalysis(store, analysisId, { regions: input.regions });
  const regions = await store.saveRegions(analysisId, input);
  // the first save starts the review: answer the state the save left, not the one before it
  const { state, version } = await store.getReview(analysisId);
  return { ...scoring, row: { ...scoring.row, review: { state, version, corrections: scoring.corrections } }, regions };
}

/**
 * An analysis's scores within a region version (the latest when none is named) or within the
 * regions given, with its corrections (all, or those up to `correctionsUpTo`), from the stored
 * tiles (src/score/rescore.ts): one function for the API and CLI.
 */
export async function rescoreAnalysis(
  store: Store,
  analysisId: number,
  opts: { version?: number; regions?: readonly ReviewRegion[]; correctionsUpTo?: number } = {},
): Promise<AnalysisRescoring> {
  const row = await finishedAnalysis(store, analysisId);
  const set = opts.regions ? null : await regionVersion(store, analysisId, opts.version);
  const regions = opts.regions ?? set?.regions ?? [];
  const corrections = await store.listCorrections(analysisId, opts.correctionsUpTo);
  const tiles = await store.getTileResults(analysisId);
  const scoring = rescore({
    tiles, regions, slideMpp: row.slideMpp, mpp: row.analysisMpp, marker: row.marker ?? undefined, params: row.params, corrections: correctionEffects(corrections),
  });
  return { ...scoring, row: { ...row, review: { ...row.review, corrections: scoring.corrections } }, regions: set, correctionSeq: corrections.at(-1)?.seq ?? 0 };
}
