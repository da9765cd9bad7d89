import { z } from 'zod';
import { TileResult } from '../domain/detection.js';
import type { Detection, FibreRecord } from '../domain/detection.js';
import type { Compartment } from '../domain/params.js';
import { paramsHash } from '../domain/params.js';
import { SlideScores } from '../domain/scores.js';
import { QcSummary, type TileQc } from '../domain/qc.js';
import type { AreaGrid } from '../domain/area-grid.js';
import { MarkerScores } from '../score/marker-scores.js';
import {
  detectionChunks,
  detectionsFromRow,
  INSERT_DETECTIONS_SQL,
  insertDetectionParams,
  SELECT_DETECTIONS_SQL,
  type TileDetectionsRow,
} from './detection-rows.js';
import { CohortInput, readCohort, writeCohort, type CohortImportSummary, type StoredCohort } from './cohort-rows.js';
import type { ClosableExecutor, SqlExecutor } from './executor.js';
import { AnalysisId, AnalysisInput, ScoreFilter, SlideFailureInput, SlideInput } from './inputs.js';
import { scoreParams, scoreSelectList, UPSERT_SCORES_SQL } from './score-columns.js';
import { reviewedScores } from './score-row.js';
import type { AnalysisRecord, AnalysisStatus, BeginOptions, BegunAnalysis, FailureRow, ScoreRow, Store, StoreCounts } from './store.js';
import { StoreConflictError, StoreError, StoreInputError, StoreNotFoundError } from '../errors/index.js';
import { parseInput } from './parse-input.js';
import { readRegions, readRegionVersions, writeRegions, type RegionVersion } from './review-rows.js';
import type { RegionSet, RegionSetInput } from '../domain/review.js';
import type { Correction, CorrectionInput } from '../domain/corrections.js';
import { readAudit, type AuditEntry } from './audit-rows.js';
import { readCorrections, writeCorrection } from './correction-rows.js';
import { readReviewStatus, readSignOff, writeReviewChange, type ReviewChange, type ReviewStatus, type SignOff } from './signoff-rows.js';
import type { ManualScore, ManualScoreInput } from '../domain/manual-score.js';
import { ManualScoreFilter, ManualScores, readManualScores, writeManualScores, type ManualImportSummary } from './manual-score-rows.js';

const TileResults = z.array(TileResult);

interface AnalysisLock {
  status: AnalysisStatus;
  tiles_total: number;
  tiles_done: number;
  compartment: Compartment;
}

interface TileRow {
  tile_id: number;
  tissue_pixels: number;
  dab_positive_pixels: number;
  grade0_pixels: number;
  grade1_pixels: number;
  grade2_pixels: number;
  grade3_pixels: number;
  detections: number;
  /** jsonb, parsed by both drivers */
  fibres: FibreRecord[] | null;
  qc: TileQc | null;
  area_grid: AreaGrid | null;
}

/** The algorithm's rows of a reviewed analysis are what was reviewed (and maybe signed): nothing rewrites them. */
async function refuseReviewed(tx: SqlExecutor, id: number, what: string): Promise<void> {
  const { rows } = await tx.query('SELECT 1 FROM review_audit WHERE analysis_id = $1 UNION ALL SELECT 1 FROM review_regions WHERE analysis_id = $1 LIMIT 1', [id]);
  if (rows.length > 0) throw new StoreConflictError(`${what}: analysis ${id} is under review; its results are kept as reviewed (analyse the slide again for a new analysis)`);
}

const ANALYSIS_COLUMNS = `id, slide_id, params_hash, params, stain, code_version, model_id, mpp, level, status, error,
  tiles_total, tiles_done, created_at, started_at, finished_at`;

/** The store over any SqlExecutor: all SQL lives here (and in the *-columns/-rows helpers). */
export class SqlStore implements Store {
  /** the executor is public for migrations, reporting queries and tests; writes go through the methods */
  constructor(readonly executor: ClosableExecutor) {}

  private get db(): ClosableExecutor {
    return this.executor;
  }

  get kind(): string {
    return this.executor.kind;
  }

  async upsertSlide(input: SlideInput): Promise<number> {
    const s = parseInput(SlideInput, input, `upsertSlide(${String((input as { path?: unknown })?.path)})`);
    const m = s.metadata;
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO slides (sha256, path, format, width, height, mpp, mpp_source, patient, timepoint, marker, metadata, backend, vendor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, format = excluded.format, backend = excluded.backend, vendor = excluded.vendor, width = excluded.width,
           height = excluded.height, mpp = excluded.mpp, mpp_source = excluded.mpp_source, patient = excluded.patient,
           timepoint = excluded.timepoint, marker = excluded.marker, metadata = excluded.metadata, updated_at = now()
         RETURNING id`,
        [s.sha256, s.path, s.format, s.width, s.height, s.mpp, s.mppSource, m.patient ?? null, m.timepoint ?? null, m.marker ?? null, m, s.backend ?? null, s.vendor ?? null],
      );
      // the file opens now, so an earlier "could not open" for this path is history
      await tx.query('DELETE FROM slide_failures WHERE path = $1', [s.path]);
      return rows[0].id;
    });
  }

  async recordSlideFailure(input: SlideFailureInput): Promise<number> {
    const f = parseInput(SlideFailureInput, input, 'recordSlideFailure');
    const m = f.metadata;
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO slide_failures (path, code, error, patient, timepoint, marker, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (path) DO UPDATE SET code = excluded.code, error = excluded.error, patient = excluded.patient,
         timepoint = excluded.timepoint, marker = excluded.marker, metadata = excluded.metadata,
         attempts = slide_failures.attempts + 1, failed_at = now()
       RETURNING id`,
      [f.path, f.code ?? null, f.error, m.patient ?? null, m.timepoint ?? null, m.marker ?? null, m],
    );
    return rows[0].id;
  }

  async beginAnalysis(input: AnalysisInput, opts: BeginOptions = {}): Promise<BegunAnalysis> {
    const a = parseInput(AnalysisInput, input, 'beginAnalysis');
    const expected = paramsHash(a.params);
    if (a.paramsHash !== expected) {
      throw new StoreInputError(`beginAnalysis: paramsHash ${a.paramsHash} does not match the parameters given (their hash is ${expected})`);
    }
    return this.db.transaction(async (tx) => {
      const slide = await tx.query('SELECT 1 FROM slides WHERE id = $1', [a.slideId]);
      if (slide.rows.length === 0) throw new StoreNotFoundError(`beginAnalysis: slide ${a.slideId} does not exist`);
      const latestRun = async () =>
        (
          await tx.query<{ id: number; run: number; status: string; started_at: Date; reviewed: boolean }>(
            `SELECT id, run, status, started_at, (EXISTS (SELECT 1 FROM review_audit r WHERE r.analysis_id = a.id)
                OR EXISTS (SELECT 1 FROM review_regions r WHERE r.analysis_id = a.id)) AS reviewed
             FROM analyses a WHERE slide_id = $1 AND params_hash = $2 AND code_version = $3
             ORDER BY run DESC LIMIT 1 FOR UPDATE`,
            [a.slideId, a.paramsHash, a.codeVersion],
          )
        ).rows[0];
      let latest = await latestRun();
      // another batch is analysing this very slide: share its run rather than wipe it (issue 14)
      if (opts.joinRunning && latest && latest.status === 'running' && !latest.reviewed) {
        return { analysisId: latest.id, reused: false, joined: true, startedAt: latest.started_at };
      }
      // a reviewed analysis keeps its rows (what was reviewed and signed stays as it was): the
      // re-run is the next run, a new analysis
      if (!latest || latest.reviewed) {
        const inserted = await tx.query<{ id: number; started_at: Date }>(
          `INSERT INTO analyses (slide_id, params_hash, params, stain, code_version, model_id, mpp, level, tiles_total, status, started_at, run)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'running', now(), $10)
           ON CONFLICT (slide_id, params_hash, code_version, run) DO NOTHING
           RETURNING id, started_at`,
          [a.slideId, a.paramsHash, a.params, a.stain, a.codeVersion, a.modelId ?? null, a.mpp, a.level, a.tilesTotal, (latest?.run ?? 0) + 1],
        );
        if (inserted.rows.length > 0) return { analysisId: inserted.rows[0].id, reused: false, joined: false, startedAt: inserted.rows[0].started_at };
        latest = await latestRun(); // a concurrent begin stored that run first: reuse it
        if (opts.joinRunning && latest) return { analysisId: latest.id, reused: false, joined: true, startedAt: latest.started_at };
      }

      // Same slide, parameters and code, not reviewed: this run replaces the old one's results entirely.
      const id = latest!.id;
      const restarted = await tx.query<{ started_at: Date }>(
        `UPDATE analyses SET params = $2, stain = $3, model_id = $4, mpp = $5, level = $6, tiles_total = $7,
           status = 'running', error = NULL, error_code = NULL, tiles_done = 0, started_at = now(), finished_at = NULL
         WHERE id = $1 RETURNING started_at`,
        [id, a.params, a.stain, a.modelId ?? null, a.mpp, a.level, a.tilesTotal],
      );
      await tx.query('DELETE FROM detections WHERE analysis_id = $1', [id]);
      await tx.query('DELETE FROM tile_results WHERE analysis_id = $1', [id]);
      await tx.query('DELETE FROM slide_scores WHERE analysis_id = $1', [id]);
      return { analysisId: id, reused: true, joined: false, startedAt: restarted.rows[0].started_at };
    });
  }

  /**
   * Locks the analysis row for the rest of the transaction. Concurrent tile saves of one analysis
   * therefore queue here, and each one's tiles_done count sees the tiles committed before it.
   */
  private async lockAnalysis(tx: SqlExecutor, id: number, what: string): Promise<AnalysisLock> {
    const { rows } = await tx.query<AnalysisLock>(
      `SELECT status, tiles_total, tiles_done, params->>'compartment' AS compartment FROM analyses WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (rows.length === 0) throw new StoreNotFoundError(`${what}: analysis ${id} does not exist`);
    return rows[0];
  }

  async saveTileResults(analysisId: number, results: TileResult[]): Promise<void> {
    const id = parseInput(AnalysisId, analysisId, 'saveTileResults: analysis id');
    const tiles = parseInput(TileResults, results, `saveTileResults(analysis ${id})`);
    const seen = new Set<number>();
    for (const t of tiles) {
      if (seen.has(t.tileId)) throw new StoreInputError(`saveTileResults(analysis ${id}): tile ${t.tileId} appears twice in one call`);
      seen.add(t.tileId);
    }
    await this.db.transaction(async (tx) => {
      const a = await this.lockAnalysis(tx, id, 'saveTileResults');
      if (a.status !== 'running' && a.status !== 'pending') {
        throw new StoreConflictError(`saveTileResults: analysis ${id} is ${a.status}; begin it again to re-run it`);
      }
      if (tiles.length === 0) return;

      const tileIds = tiles.map((t) => t.tileId);
      await tx.query(
        `INSERT INTO tile_results (analysis_id, tile_id, tissue_pixels, dab_positive_pixels,
           grade0_pixels, grade1_pixels, grade2_pixels, grade3_pixels, detections, fibres, qc, area_grid)
         SELECT $1::int, * FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::jsonb[], $11::jsonb[], $12::jsonb[])
         ON CONFLICT (analysis_id, tile_id) DO UPDATE SET tissue_pixels = excluded.tissue_pixels,
           dab_positive_pixels = excluded.dab_positive_pixels, grade0_pixels = excluded.grade0_pixels,
           grade1_pixels = excluded.grade1_pixels, grade2_pixels = excluded.grade2_pixels,
           grade3_pixels = excluded.grade3_pixels, detections = excluded.detections, fibres = excluded.fibres, qc = excluded.qc, area_grid = excluded.area_grid, saved_at = now()`,
        [
          id,
          tileIds,
          tiles.map((t) => t.tissuePixels),
          tiles.map((t) => t.dabPositivePixels),
          tiles.map((t) => t.pixelGradeCounts[0]),
          tiles.map((t) => t.pixelGradeCounts[1]),
          tiles.map((t) => t.pixelGradeCounts[2]),
          tiles.map((t) => t.pixelGradeCounts[3]),
          tiles.map((t) => t.detections.length),
          // JSON text per tile, NULL when the tile has no fibre list (not a muscle analysis)
          tiles.map((t) => (t.fibres === undefined ? null : JSON.stringify(t.fibres))),
          // likewise the QC record, NULL when QC did not run
          tiles.map((t) => (t.qc === undefined ? null : JSON.stringify(t.qc))),
          // and the area grid, NULL from a caller that computed none
          tiles.map((t) => (t.areaGrid === undefined ? null : JSON.stringify(t.areaGrid))),
        ],
      );
      // a retried tile replaces its detections rather than adding to them
      await tx.query('DELETE FROM detections WHERE analysis_id = $1 AND tile_id = ANY($2::int[])', [id, tileIds]);
      for (const chunk of detectionChunks(tiles, a.compartment ?? 'cell')) {
        await tx.query(INSERT_DETECTIONS_SQL, insertDetectionParams(id, chunk));
      }
      // Tile ids are grid positions (tiles without tissue are skipped, so ids run past
      // tiles_total); what must hold is the count: more tiles than planned means a foreign tile.
      const saved = await tx.query<{ n: number }>(
        'UPDATE analyses SET tiles_done = (SELECT count(*) FROM tile_results WHERE analysis_id = $1) WHERE id = $1 RETURNING tiles_done AS n',
        [id],
      );
      if (saved.rows[0].n > a.tiles_total) {
        throw new StoreConflictError(`saveTileResults: analysis ${id} would hold ${saved.rows[0].n} tiles, more than its ${a.tiles_total}`);
      }
    });
  }

  async finishAnalysis(analysisId: number, scores: SlideScores, markerScores?: MarkerScores, qc?: QcSummary): Promise<void> {
    const id = parseInput(AnalysisId, analysisId, 'finishAnalysis: analysis id');
    const s = parseInput(SlideScores, scores, `finishAnalysis(analysis ${id})`);
    const m = markerScores === undefined ? null : parseInput(MarkerScores, markerScores, `finishAnalysis(analysis ${id}): marker scores`);
    const q = qc === undefined ? null : parseInput(QcSummary, qc, `finishAnalysis(analysis ${id}): QC summary`);
    await this.db.transaction(async (tx) => {
      const a = await this.lockAnalysis(tx, id, 'finishAnalysis');
      await refuseReviewed(tx, id, 'finishAnalysis');
      if (a.status === 'failed') throw new StoreConflictError(`finishAnalysis: analysis ${id} has failed; begin it again to re-run it`);
      if (a.tiles_done !== a.tiles_total) {
        throw new StoreConflictError(`finishAnalysis: analysis ${id} has ${a.tiles_done} of ${a.tiles_total} tiles saved; scores from part of a slide are not stored`);
      }
      await tx.query(UPSERT_SCORES_SQL, scoreParams(id, s, m, q));
      await tx.query(`UPDATE analyses SET status = 'done', error = NULL, error_code = NULL, finished_at = now() WHERE id = $1`, [id]);
    });
  }

  async failAnalysis(analysisId: number, error: string, code?: string): Promise<void> {
    const id = parseInput(AnalysisId, analysisId, 'failAnalysis: analysis id');
    const message = parseInput(z.string().min(1), error, `failAnalysis(analysis ${id}): error`);
    const { rows } = await this.db.query<{ id: number }>(
      `UPDATE analyses SET status = 'failed', error = $2, error_code = $3, finished_at = now() WHERE id = $1 RETURNING id`,
      [id, message, code ?? null],
    );
    if (rows.length === 0) throw new StoreNotFoundError(`failAnalysis: analysis ${id} does not exist`);
  }

  async getAnalysis(analysisId: number): Promise<AnalysisRecord | undefined> {
    const id = parseInput(AnalysisId, analysisId, 'getAnalysis: analysis id');
    const { rows } = await this.db.query<Record<string, unknown>>(`SELECT ${ANALYSIS_COLUMNS} FROM analyses WHERE id = $1`, [id]);
    if (rows.length === 0) return undefined;
    const r = rows[0];
    return {
      id: r.id as number,
      slideId: r.slide_id as number,
      paramsHash: r.params_hash as string,
      params: r.params as AnalysisRecord['params'],
      stain: r.stain as AnalysisRecord['stain'],
      codeVersion: r.code_version as string,
      modelId: r.model_id as string | null,
      mpp: r.mpp as number,
      level: r.level as number,
      status: r.status as AnalysisStatus,
      error: r.error as string | null,
      tilesTotal: r.tiles_total as number,
      tilesDone: r.tiles_done as number,
      createdAt: r.created_at as Date,
      startedAt: r.started_at as Date | null,
      finishedAt: r.finished_at as Date | null,
    };
  }

  async listScores(filter: ScoreFilter = {}): Promise<ScoreRow[]> {
    const f = parseInput(ScoreFilter, filter, 'listScores: filter');
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT a.id AS analysis_id, s.id AS slide_id, s.sha256, s.path, s.format, s.backend, s.vendor, s.patient, s.timepoint, s.marker,
         s.mpp AS slide_mpp, s.mpp_source, a.mpp AS analysis_mpp, a.level, a.params_hash, a.params, a.stain,
         a.code_version, a.model_id, sc.computed_at, ${scoreSelectList('sc')},
         rv.state AS review_state, rv.review_version, so.corrections AS signed_corrections,
         so.scores AS signed_scores, so.marker_scores AS signed_marker_scores, so.qc AS signed_qc
       FROM slide_scores sc
       JOIN analyses a ON a.id = sc.analysis_id
       JOIN slides s ON s.id = a.slide_id
       LEFT JOIN LATERAL (SELECT state, review_version FROM review_audit ra WHERE ra.analysis_id = a.id ORDER BY ra.id DESC LIMIT 1) rv ON true
       LEFT JOIN review_signoffs so ON rv.state = 'signed_off' AND so.analysis_id = a.id AND so.version = rv.review_version
       WHERE a.status = 'done'
         AND ($7::boolean IS NOT TRUE OR rv.state = 'signed_off')
         AND ($1::text IS NULL OR s.patient = $1)
         AND ($2::text IS NULL OR s.marker = $2)
         AND ($3::text IS NULL OR s.timepoint = $3)
         AND ($4::int IS NULL OR s.id = $4)
         AND ($5::text IS NULL OR a.params_hash = $5)
         AND ($6::text IS NULL OR a.code_version = $6)
       ORDER BY s.patient NULLS LAST, s.timepoint NULLS LAST, s.marker NULLS LAST, s.id, a.id`,
      [f.patient ?? null, f.marker ?? null, f.timepoint ?? null, f.slideId ?? null, f.paramsHash ?? null, f.codeVersion ?? null, f.signedOff ?? null],
    );
    return rows.map((r) => ({
      analysisId: r.analysis_id as number,
      slideId: r.slide_id as number,
      sha256: r.sha256 as string,
      path: r.path as string,
      format: r.format as ScoreRow['format'],
      backend: r.backend as ScoreRow['backend'],
      vendor: r.vendor as string | null,
      patient: r.patient as string | null,
      timepoint: r.timepoint as string | null,
      marker: r.marker as string | null,
      slideMpp: r.slide_mpp as number,
      mppSource: r.mpp_source as string,
      analysisMpp: r.analysis_mpp as number,
      level: r.level as number,
      paramsHash: r.params_hash as string,
      params: r.params as ScoreRow['params'],
      stain: r.stain as ScoreRow['stain'],
      codeVersion: r.code_version as string,
      modelId: r.model_id as string | null,
      computedAt: r.computed_at as Date,
      ...reviewedScores(r),
    }));
  }

  async listFailures(): Promise<FailureRow[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT 'slide' AS kind, f.path, f.code, f.error, f.patient, f.timepoint, f.marker,
         NULL::int AS slide_id, NULL::int AS analysis_id, f.failed_at
       FROM slide_failures f
       UNION ALL
       SELECT 'analysis', s.path, a.error_code, a.error, s.patient, s.timepoint, s.marker, s.id, a.id,
         coalesce(a.finished_at, a.created_at)
       FROM analyses a JOIN slides s ON s.id = a.slide_id
       WHERE a.status = 'failed'
       ORDER BY failed_at DESC, path`,
    );
    return rows.map((r) => ({
      kind: r.kind as FailureRow['kind'],
      path: r.path as string,
      code: r.code as string | null,
      error: r.error as string,
      patient: r.patient as string | null,
      timepoint: r.timepoint as string | null,
      marker: r.marker as string | null,
      slideId: r.slide_id as number | null,
      analysisId: r.analysis_id as number | null,
      failedAt: r.failed_at as Date,
    }));
  }

  async getDetections(analysisId: number): Promise<Detection[]> {
    const id = parseInput(AnalysisId, analysisId, 'getDetections: analysis id');
    const { rows } = await this.db.query<TileDetectionsRow>(SELECT_DETECTIONS_SQL, [id]);
    return rows.flatMap(detectionsFromRow);
  }

  async getTileResults(analysisId: number): Promise<TileResult[]> {
    const id = parseInput(AnalysisId, analysisId, 'getTileResults: analysis id');
    return this.db.transaction(async (tx) => {
      const tiles = await tx.query<TileRow>(
        `SELECT tile_id, tissue_pixels, dab_positive_pixels, grade0_pixels, grade1_pixels, grade2_pixels, grade3_pixels, detections, fibres, qc, area_grid
         FROM tile_results WHERE analysis_id = $1 ORDER BY tile_id`,
        [id],
      );
      const dets = await tx.query<TileDetectionsRow>(SELECT_DETECTIONS_SQL, [id]);
      const byTile = new Map(dets.rows.map((r) => [r.tile_id, detectionsFromRow(r)]));
      return tiles.rows.map((t) => {
        const detections = byTile.get(t.tile_id) ?? [];
        if (detections.length !== t.detections) {
          throw new StoreError(`getTileResults: analysis ${id} tile ${t.tile_id} records ${t.detections} detections but ${detections.length} are stored`);
        }
        const result: TileResult = {
          tileId: t.tile_id,
          detections,
          tissuePixels: t.tissue_pixels,
          pixelGradeCounts: [t.grade0_pixels, t.grade1_pixels, t.grade2_pixels, t.grade3_pixels],
          dabPositivePixels: t.dab_positive_pixels,
        };
        if (t.fibres !== null) result.fibres = t.fibres;
        if (t.qc !== null && t.qc !== undefined) result.qc = t.qc;
        if (t.area_grid !== null && t.area_grid !== undefined) result.areaGrid = t.area_grid;
        return result;
      });
    });
  }

  async counts(): Promise<StoreCounts> {
    const { rows } = await this.db.query<StoreCounts>(
      `SELECT (SELECT count(*) FROM slides)::int AS "slides",
         (SELECT count(*) FROM slide_failures)::int AS "slideFailures",
         (SELECT count(*) FROM analyses)::int AS "analyses",
         (SELECT count(*) FROM tile_results)::int AS "tileResults",
         (SELECT count(*) FROM detections)::int AS "detections",
         (SELECT count(*) FROM slide_scores)::int AS "scores"`,
    );
    return rows[0];
  }

  async importCohort(cohort: CohortInput): Promise<CohortImportSummary> {
    const c = parseInput(CohortInput, cohort, 'importCohort');
    return this.db.transaction((tx) => writeCohort(tx, c));
  }

  getCohort(): Promise<StoredCohort> {
    // one snapshot across the four reads, so a concurrent import is seen whole or not at all
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      return readCohort(tx);
    });
  }

  saveRegions(analysisId: number, input: RegionSetInput): Promise<RegionSet> {
    const id = parseInput(AnalysisId, analysisId, 'saveRegions: analysis id');
    return this.db.transaction((tx) => writeRegions(tx, id, input));
  }

  getRegions(analysisId: number, version?: number): Promise<RegionSet | undefined> {
    const id = parseInput(AnalysisId, analysisId, 'getRegions: analysis id');
    const v = version === undefined ? undefined : parseInput(AnalysisId, version, 'getRegions: version');
    return readRegions(this.db, id, v);
  }

  listRegionVersions(analysisId: number): Promise<RegionVersion[]> {
    return readRegionVersions(this.db, parseInput(AnalysisId, analysisId, 'listRegionVersions: analysis id'));
  }

  addCorrection(analysisId: number, input: CorrectionInput, author: string): Promise<Correction> {
    const id = parseInput(AnalysisId, analysisId, 'addCorrection: analysis id');
    const who = parseInput(z.string().min(1).max(200), author, 'addCorrection: author');
    return this.db.transaction((tx) => writeCorrection(tx, id, input, who));
  }

  listCorrections(analysisId: number, upTo?: number): Promise<Correction[]> {
    const id = parseInput(AnalysisId, analysisId, 'listCorrections: analysis id');
    return readCorrections(this.db, id, upTo === undefined ? undefined : parseInput(z.number().int().nonnegative(), upTo, 'listCorrections: upTo'));
  }

  getReview(analysisId: number): Promise<ReviewStatus> {
    const id = parseInput(AnalysisId, analysisId, 'getReview: analysis id');
    return this.db.transaction((tx) => readReviewStatus(tx, id));
  }

  changeReview(analysisId: number, change: ReviewChange): Promise<ReviewStatus> {
    const id = parseInput(AnalysisId, analysisId, 'changeReview: analysis id');
    return this.db.transaction((tx) => writeReviewChange(tx, id, change));
  }

  getSignOff(analysisId: number, version: number): Promise<SignOff | undefined> {
    const id = parseInput(AnalysisId, analysisId, 'getSignOff: analysis id');
    return readSignOff(this.db, id, parseInput(AnalysisId, version, 'getSignOff: version'));
  }

  listAudit(analysisId: number): Promise<AuditEntry[]> {
    return readAudit(this.db, parseInput(AnalysisId, analysisId, 'listAudit: analysis id'));
  }

  async importManualScores(reads: ManualScoreInput[]): Promise<ManualImportSummary> {
    const r = parseInput(ManualScores, reads, 'importManualScores');
    return this.db.transaction((tx) => writeManualScores(tx, r));
  }

  async listManualScores(filter: ManualScoreFilter = {}): Promise<ManualScore[]> {
    return readManualScores(this.db, parseInput(ManualScoreFilter, filter, 'listManualScores: filter'));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
