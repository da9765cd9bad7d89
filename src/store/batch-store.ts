import { z } from 'zod';
import { AnalysisParams, paramsHash } from '../domain/params.js';
import { SlideMetadata } from '../domain/slide.js';
import type { SqlExecutor } from './executor.js';
import { StoreNotFoundError } from '../errors/index.js';
import { parseInput } from './parse-input.js';

export type BatchSlideStatus = 'queued' | 'running' | 'done' | 'failed';
/** 'partial': finished, some slides done and some failed */
export type BatchStatus = 'queued' | 'running' | 'done' | 'partial' | 'failed';

export interface BatchSlideView {
  id: number;
  position: number;
  path: string;
  metadata: SlideMetadata;
  status: BatchSlideStatus;
  /** readable message naming the file, and the typed error code, when failed */
  error: string | null;
  code: string | null;
  analysisId: number | null;
  /** from the slide's analysis row; both 0 until the slide is planned */
  tilesDone: number;
  tilesTotal: number;
  updatedAt: Date;
}

export interface BatchView {
  id: number;
  createdBy: string;
  createdAt: Date;
  paramsHash: string;
  status: BatchStatus;
  slides: BatchSlideView[];
}

/** What a worker needs to run one slide of a batch. */
export interface BatchSlideRecord {
  id: number;
  batchId: number;
  path: string;
  metadata: SlideMetadata;
  params: AnalysisParams;
  status: BatchSlideStatus;
  analysisId: number | null;
}

export const NewBatch = z.object({
  createdBy: z.string().trim().min(1).max(200),
  params: AnalysisParams,
  slides: z
    // params: the slide's own, as its plan job carries them (kept so lost work can be queued again)
    .array(z.object({ path: z.string().min(1).max(4096), metadata: SlideMetadata.prefault({}), params: AnalysisParams.optional() }))
    .min(1, 'a batch needs at least one slide')
    .max(10_000),
});
export type NewBatch = z.input<typeof NewBatch>;

const Id = z.number().int().positive();

export interface StatusCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
}

/** A batch is settled once no slide is waiting or running; then it is done, failed or partial. */
export function batchStatus(c: StatusCounts): BatchStatus {
  const total = c.queued + c.running + c.done + c.failed;
  if (c.queued === total) return 'queued';
  if (c.queued + c.running > 0) return 'running';
  if (c.done === total) return 'done';
  return c.done === 0 ? 'failed' : 'partial';
}

function countStatuses(slides: readonly { status: BatchSlideStatus }[]): StatusCounts {
  const c: StatusCounts = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const s of slides) c[s.status]++;
  return c;
}

const SLIDE_COLUMNS = `bs.id, bs.position, bs.path, bs.metadata, bs.status, bs.error, bs.code, bs.analysis_id,
  coalesce(a.tiles_done, 0) AS tiles_done, coalesce(a.tiles_total, 0) AS tiles_total, bs.batch_id, bs.updated_at`;

interface SlideRow {
  id: number;
  position: number;
  path: string;
  metadata: SlideMetadata;
  status: BatchSlideStatus;
  error: string | null;
  code: string | null;
  analysis_id: number | null;
  tiles_done: number;
  tiles_total: number;
  batch_id: number;
  updated_at: Date;
}

function slideView(r: SlideRow): BatchSlideView {
  return {
    id: r.id,
    position: r.position,
    path: r.path,
    metadata: r.metadata,
    status: r.status,
    error: r.error,
    code: r.code,
    analysisId: r.analysis_id,
    tilesDone: Number(r.tiles_done),
    tilesTotal: Number(r.tiles_total),
    updatedAt: r.updated_at,
  };
}

/**
 * Batches and their slides (migration 002) over the store's SQL executor, same SQL on PGlite and
 * PostgreSQL. A slide's done/failed status is final: a late duplicate of a queue job (retried or
 * recovered from a stalled worker) cannot move it back to running.
 */
export class BatchStore {
  constructor(private readonly db: SqlExecutor) {}

  async createBatch(input: NewBatch): Promise<{ batchId: number; slideIds: number[] }> {
    const b = parseInput(NewBatch, input, 'createBatch');
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        'INSERT INTO batches (created_by, params, params_hash) VALUES ($1, $2, $3) RETURNING id',
        [b.createdBy, b.params, paramsHash(b.params)],
      );
      const batchId = rows[0].id;
      const inserted = await tx.query<{ id: number; position: number }>(
        `INSERT INTO batch_slides (batch_id, position, path, metadata, params)
         SELECT $1::int, * FROM unnest($2::int[], $3::text[], $4::jsonb[], $5::jsonb[])
         RETURNING id, position`,
        [
          batchId,
          b.slides.map((_, i) => i),
          b.slides.map((s) => s.path),
          b.slides.map((s) => JSON.stringify(s.metadata)),
          b.slides.map((s) => (s.params ? JSON.stringify(s.params) : null)),
        ],
      );
      const ids = inserted.rows.sort((x, y) => x.position - y.position);
      return { batchId, slideIds: ids.map((r) => r.id) };
    });
  }

  async getSlide(batchSlideId: number): Promise<BatchSlideRecord | undefined> {
    const id = parseInput(Id, batchSlideId, 'getSlide: batch slide id');
    const { rows } = await this.db.query<{
      id: number;
      batch_id: number;
      path: string;
      metadata: SlideMetadata;
      params: AnalysisParams;
      status: BatchSlideStatus;
      analysis_id: number | null;
    }>(
      `SELECT bs.id, bs.batch_id, bs.path, bs.metadata, b.params, bs.status, bs.analysis_id
       FROM batch_slides bs JOIN batches b ON b.id = bs.batch_id WHERE bs.id = $1`,
      [id],
    );
    if (rows.length === 0) return undefined;
    const r = rows[0];
    return { id: r.id, batchId: r.batch_id, path: r.path, metadata: r.metadata, params: r.params, status: r.status, analysisId: r.analysis_id };
  }

  /** Planning started (or the analysis is known): queued/running → running. False when the slide is already settled. */
  async markRunning(batchSlideId: number, analysisId?: number): Promise<boolean> {
    const id = parseInput(Id, batchSlideId, 'markRunning: batch slide id');
    const { rows } = await this.db.query(
      `UPDATE batch_slides SET status = 'running', analysis_id = coalesce($2, analysis_id), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id, analysisId ?? null],
    );
    return rows.length > 0;
  }

  async markDone(batchSlideId: number, analysisId: number): Promise<void> {
    const id = parseInput(Id, batchSlideId, 'markDone: batch slide id');
    await this.settle(id, `status = 'done', analysis_id = $2, error = NULL, code = NULL`, [id, parseInput(Id, analysisId, 'markDone: analysis id')]);
  }

  async markFailed(batchSlideId: number, error: string, code: string): Promise<void> {
    const id = parseInput(Id, batchSlideId, 'markFailed: batch slide id');
    await this.settle(id, `status = 'failed', error = $2, code = $3`, [id, parseInput(z.string().min(1), error, 'markFailed: error'), code]);
  }

  private async settle(id: number, set: string, params: unknown[]): Promise<void> {
    const { rows } = await this.db.query<{ status: BatchSlideStatus }>(
      `UPDATE batch_slides SET ${set}, updated_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING status`,
      params,
    );
    if (rows.length > 0) return;
    const exists = await this.db.query('SELECT 1 FROM batch_slides WHERE id = $1', [id]);
    if (exists.rows.length === 0) throw new StoreNotFoundError(`batch slide ${id} does not exist`);
    // already settled: a duplicate job's late report changes nothing
  }

  /**
   * Settles every unsettled batch slide linked to this analysis from the analysis row: done when
   * it is done, failed with its error when it failed, untouched while it runs. The batches that
   * submitted one slide at the same moment share its run (issue 14); whichever settles first,
   * the aggregate, or a plan that linked its slide to the run after the aggregate ran, leaves none
   * behind.
   */
  async settleAnalysisSlides(analysisId: number): Promise<number> {
    const id = parseInput(Id, analysisId, 'settleAnalysisSlides: analysis id');
    const { rows } = await this.db.query(
      `UPDATE batch_slides bs SET
         status = CASE a.status WHEN 'done' THEN 'done' ELSE 'failed' END,
         error = CASE a.status WHEN 'done' THEN NULL ELSE coalesce(a.error, 'the analysis failed') END,
         code = CASE a.status WHEN 'done' THEN NULL ELSE a.error_code END,
         updated_at = now()
       FROM analyses a
       WHERE a.id = $1 AND bs.analysis_id = a.id AND bs.status IN ('queued', 'running') AND a.status IN ('done', 'failed')
       RETURNING bs.id`,
      [id],
    );
    return rows.length;
  }

  async getBatch(batchId: number): Promise<BatchView | undefined> {
    const id = parseInput(Id, batchId, 'getBatch: batch id');
    return (await this.batchesWhere('b.id = $1', [id]))[0];
  }

  /** newest first, each with its slides; only those created by `createdBy` when given */
  async listBatches(createdBy?: string): Promise<BatchView[]> {
    if (createdBy === undefined) return this.batchesWhere('TRUE', []);
    return this.batchesWhere('b.created_by = $1', [parseInput(z.string().min(1), createdBy, 'listBatches: createdBy')]);
  }

  private batchesWhere(where: string, params: unknown[]): Promise<BatchView[]> {
    // one snapshot, so a batch and its slides agree
    return this.db.transaction(async (tx) => {
      const b = await tx.query<{ id: number; created_by: string; created_at: Date; params_hash: string }>(
        `SELECT b.id, b.created_by, b.created_at, b.params_hash FROM batches b WHERE ${where} ORDER BY b.id DESC`,
        params,
      );
      if (b.rows.length === 0) return [];
      const s = await tx.query<SlideRow>(
        `SELECT ${SLIDE_COLUMNS} FROM batch_slides bs LEFT JOIN analyses a ON a.id = bs.analysis_id
         WHERE bs.batch_id = ANY($1::int[]) ORDER BY bs.batch_id, bs.position`,
        [b.rows.map((r) => r.id)],
      );
      const byBatch = new Map<number, BatchSlideView[]>();
      for (const row of s.rows) {
        const list = byBatch.get(row.batch_id) ?? [];
        list.push(slideView(row));
        byBatch.set(row.batch_id, list);
      }
      return b.rows.map((r) => {
        const slides = byBatch.get(r.id) ?? [];
        return { id: r.id, createdBy: r.created_by, createdAt: r.created_at, paramsHash: r.params_hash, status: batchStatus(countStatuses(slides)), slides };
      });
    });
  }

  /**
   * Slides still queued or running whose row has not changed for `quietMs`: the candidates for
   * work lost from the queue. `params` is the slide's own (null for rows from before it was kept).
   */
  async listUnsettledSlides(quietMs: number): Promise<{ id: number; path: string; metadata: SlideMetadata; params: AnalysisParams | null; run: { analysisId: number; startedMs: number } | null }[]> {
    const { rows } = await this.db.query<{ id: number; path: string; metadata: SlideMetadata; params: AnalysisParams | null; analysis_id: number | null; started_at: Date | null }>(
      `SELECT bs.id, bs.path, bs.metadata, bs.params, a.id AS analysis_id, a.started_at FROM batch_slides bs LEFT JOIN analyses a ON a.id = bs.analysis_id
       WHERE bs.status IN ('queued', 'running') AND bs.updated_at < now() - make_interval(secs => $1::float8 / 1000) ORDER BY bs.id`,
      [parseInput(z.number().int().nonnegative(), quietMs, 'listUnsettledSlides: quietMs')],
    );
    // the analysis run the slide follows names its flow's jobs (queue/names.ts)
    return rows.map(({ analysis_id, started_at, ...r }) => ({ ...r, run: analysis_id !== null && started_at ? { analysisId: analysis_id, startedMs: started_at.getTime() } : null }));
  }

  /**
   * The finished analysis of this slide with these parameters and code, if there is one: a slide
   * submitted again is then marked done from it instead of being analysed again.
   */
  async findDoneAnalysis(slideId: number, hash: string, codeVersion: string): Promise<number | undefined> {
    const { rows } = await this.db.query<{ id: number }>(
      `SELECT id FROM analyses WHERE slide_id = $1 AND params_hash = $2 AND code_version = $3 AND status = 'done' ORDER BY run DESC LIMIT 1`,
      [parseInput(Id, slideId, 'findDoneAnalysis: slide id'), hash, codeVersion],
    );
    return rows[0]?.id;
  }
}
