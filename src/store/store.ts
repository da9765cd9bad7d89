import type { Detection, TileResult } from '../domain/detection.js';
import type { AnalysisParams } from '../domain/params.js';
import type { SlideScores } from '../domain/scores.js';
import type { QcSummary } from '../domain/qc.js';
import type { MarkerScores } from '../score/marker-scores.js';
import type { SlideFormat } from '../domain/slide.js';
import type { AnalysisInput, ScoreFilter, SlideFailureInput, SlideInput, StainRecord } from './inputs.js';
import type { CohortImportSummary, CohortInput, StoredCohort } from './cohort-rows.js';
import type { RegionSet, RegionSetInput } from '../domain/review.js';
import type { RegionVersion } from './review-rows.js';
import type { Correction, CorrectionInput } from '../domain/corrections.js';
import type { ReviewState } from '../domain/review-state.js';
import type { AuditEntry } from './audit-rows.js';
import type { ReviewChange, ReviewStatus, SignOff } from './signoff-rows.js';
import type { ManualScore, ManualScoreInput } from '../domain/manual-score.js';
import type { ManualImportSummary, ManualScoreFilter } from './manual-score-rows.js';

export type { AnalysisInput, ScoreFilter, SlideFailureInput, SlideInput, StainRecord } from './inputs.js';
export type { CohortImportSummary, CohortInput, StoredCohort } from './cohort-rows.js';
export type { RegionVersion } from './review-rows.js';
export type { AuditEntry } from './audit-rows.js';
export type { ReviewChange, ReviewStatus, SignOff, SignOffInput, SignOffSummary } from './signoff-rows.js';
export type { ManualImportSummary, ManualScoreFilter } from './manual-score-rows.js';

/** Where an analysis's review stands, on every score row (issue 12). */
export interface ScoreReview {
  state: ReviewState;
  /** 0 while analysed; the signed version when signed off; the version in progress otherwise */
  version: number;
  /** corrections in effect in the row's scores: the signed ones when signed off, else 0 (the algorithm's scores) */
  corrections: number;
}

export type AnalysisStatus = 'pending' | 'running' | 'done' | 'failed';

export interface AnalysisRecord {
  id: number;
  slideId: number;
  paramsHash: string;
  params: AnalysisParams;
  stain: StainRecord;
  codeVersion: string;
  modelId: string | null;
  /** µm/px of the level analysed */
  mpp: number;
  level: number;
  status: AnalysisStatus;
  error: string | null;
  tilesTotal: number;
  tilesDone: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** One finished analysis: slide metadata, its scores and everything needed to reproduce them. */
export interface ScoreRow {
  analysisId: number;
  slideId: number;
  sha256: string;
  path: string;
  format: SlideFormat;
  /** the reader that opened the slide and the scanner vendor/model the file names; null when not recorded (rows before issue 11) */
  backend: 'builtin' | 'openslide' | 'dicom' | null;
  vendor: string | null;
  patient: string | null;
  timepoint: string | null;
  marker: string | null;
  /** level-0 µm/px of the slide and where it came from */
  slideMpp: number;
  mppSource: string;
  /** µm/px the analysis ran at, and the level read */
  analysisMpp: number;
  level: number;
  paramsHash: string;
  params: AnalysisParams;
  stain: StainRecord;
  codeVersion: string;
  modelId: string | null;
  computedAt: Date;
  scores: SlideScores;
  /** the muscle-specific scores the slide's marker runs (src/score/marker-scores.ts); null when none were stored */
  markerScores: MarkerScores | null;
  /** the QC summary (src/domain/qc.ts); null when the analysis ran without quality control */
  qc: QcSummary | null;
  /**
   * The review. A signed-off analysis's row carries its scores, marker scores and QC summary as
   * signed (its regions and corrections applied); any other row the algorithm's stored ones.
   */
  review: ScoreReview;
}

/** A slide that could not be opened ('slide') or whose analysis failed ('analysis'). */
export interface FailureRow {
  kind: 'slide' | 'analysis';
  path: string;
  code: string | null;
  error: string;
  patient: string | null;
  timepoint: string | null;
  marker: string | null;
  slideId: number | null;
  analysisId: number | null;
  failedAt: Date;
}

export interface BeginOptions {
  /**
   * Service mode: when a run of this slide, parameters and code is already running (another
   * batch submitted the same slide), share it instead of restarting it: joined: true.
   */
  joinRunning?: boolean;
}

export interface BegunAnalysis {
  analysisId: number;
  reused: boolean;
  joined: boolean;
  /** when this run began: with the id, it names the run's queue jobs, so a re-run gets new ones */
  startedAt: Date;
}

export interface StoreCounts {
  slides: number;
  slideFailures: number;
  analyses: number;
  tileResults: number;
  detections: number;
  scores: number;
}

/**
 * Everything the service keeps. One implementation (SqlStore) over PGlite or PostgreSQL.
 * Writes are idempotent where the queue may retry them: a slide is keyed by content, an
 * analysis by (slide, params hash, code version), a tile result by (analysis, tile).
 */
export interface Store {
  /** 'pglite' or 'postgres' */
  readonly kind: string;
  /** same sha256 → same id; path and metadata are updated to the latest submission */
  upsertSlide(s: SlideInput): Promise<number>;
  /** records (or updates) a file that could not be opened; cleared when the path is later stored as a slide */
  recordSlideFailure(f: SlideFailureInput): Promise<number>;
  /**
   * Starts an analysis, status 'running'. With the same slide, params hash and code version the
   * existing row is reused and its tiles, detections and scores are cleared: a re-run replaces.
   * Except after a review: an analysis with any review record (regions, corrections, a review
   * state) is never re-run in place; the re-run is a new analysis (the next `run`), reused: false.
   */
  beginAnalysis(a: AnalysisInput, opts?: BeginOptions): Promise<BegunAnalysis>;
  /** upsert per tile; a tile saved again replaces its counts and detections */
  saveTileResults(analysisId: number, results: TileResult[]): Promise<void>;
  /**
   * Stores the scores (and the marker scores and QC summary, when given) and marks the analysis
   * done; every tile must have been saved. Finishing again replaces all: what is left out is then null.
   */
  finishAnalysis(analysisId: number, scores: SlideScores, markerScores?: MarkerScores, qc?: QcSummary): Promise<void>;
  /** marks the analysis failed with a readable error (and its typed error code); tiles saved so far are kept */
  failAnalysis(analysisId: number, error: string, code?: string): Promise<void>;

  getAnalysis(analysisId: number): Promise<AnalysisRecord | undefined>;
  /** finished analyses with their slide and provenance, ordered by patient, timepoint, marker */
  listScores(filter?: ScoreFilter): Promise<ScoreRow[]>;
  /** unopenable slides and failed analyses, newest first */
  listFailures(): Promise<FailureRow[]>;
  /** in tile order, then detection order within the tile */
  getDetections(analysisId: number): Promise<Detection[]>;
  /** in tile order, each with its detections, so aggregation can be re-run from the store */
  getTileResults(analysisId: number): Promise<TileResult[]>;
  counts(): Promise<StoreCounts>;

  /**
   * Stores a cohort (patients, biopsies, serial-section slides, visits) in one transaction. A
   * patient already stored keeps its row and has its biopsies, slides and visits replaced by the
   * imported ones; patients not named are untouched. Any problem (invalid record, unknown
   * patient, slide without its biopsy, duplicate key) throws StoreInputError and stores nothing.
   */
  importCohort(cohort: CohortInput): Promise<CohortImportSummary>;
  /** every patient with biopsies, slides and visits; ordered by pseudonym, timepoint (study order), marker */
  getCohort(): Promise<StoredCohort>;

  /**
   * Saves the analysis's regions and exclusions (issue 12) as its next version (1, 2, …); earlier
   * versions stay as they were. A baseVersion that is not the latest throws StoreConflictError; an
   * unknown analysis StoreNotFoundError; invalid polygons StoreInputError.
   */
  saveRegions(analysisId: number, input: RegionSetInput): Promise<RegionSet>;
  /** the given version of the analysis's regions, or the latest; undefined when none was saved (or no such version) */
  getRegions(analysisId: number, version?: number): Promise<RegionSet | undefined>;
  /** every saved version, oldest first, without polygons */
  listRegionVersions(analysisId: number): Promise<RegionVersion[]>;

  /**
   * Appends a correction of a finished analysis's cells or fibres (src/domain/corrections.ts) as
   * its next seq, with an audit row. An analysed review is started by it; a signed-off one throws
   * StoreConflictError (reopen first); an unknown target or analysis StoreNotFoundError.
   */
  addCorrection(analysisId: number, input: CorrectionInput, author: string): Promise<Correction>;
  /** the analysis's corrections in seq order (up to `upTo`: a correction set) */
  listCorrections(analysisId: number, upTo?: number): Promise<Correction[]>;
  /** the review state and version, and every signed version (without scores) */
  getReview(analysisId: number): Promise<ReviewStatus>;
  /** start, sign off or reopen (src/domain/review-state.ts), with an audit row; a transition the state does not allow throws StoreConflictError */
  changeReview(analysisId: number, change: ReviewChange): Promise<ReviewStatus>;
  /** a signed version with its scores as signed */
  getSignOff(analysisId: number, version: number): Promise<SignOff | undefined>;
  /** the analysis's audit log, oldest first (append-only: there is no method that edits it) */
  listAudit(analysisId: number): Promise<AuditEntry[]>;

  /**
   * Stores pathologists' manual reads (issue 17) in one transaction: a read of a slide, rater and
   * score already stored replaces it. An invalid read or the same read twice throws
   * StoreInputError and stores nothing.
   */
  importManualScores(reads: ManualScoreInput[]): Promise<ManualImportSummary>;
  /** manual reads, by score, marker, patient, timepoint (study order) and rater */
  listManualScores(filter?: ManualScoreFilter): Promise<ManualScore[]>;
  close(): Promise<void>;
}
