import { correctionEffects, CorrectionInput, parseTarget, targetOf, type Correction } from '../domain/corrections.js';
import { StoreConflictError, StoreInputError, StoreNotFoundError } from '../errors/index.js';
import { appendAudit, lockReviewedAnalysis, positionForEdit } from './audit-rows.js';
import type { SqlExecutor } from './executor.js';
import { parseInput } from './parse-input.js';

interface CorrectionRow {
  analysis_id: number;
  seq: number;
  kind: Correction['kind'];
  target: string;
  payload: Record<string, unknown>;
  author: string;
  created_at: Date;
}

const fromRow = (r: CorrectionRow): Correction => ({
  analysisId: r.analysis_id,
  seq: r.seq,
  kind: r.kind,
  target: r.target,
  payload: r.payload,
  author: r.author,
  createdAt: r.created_at,
});

/** The analysis's corrections in seq order, up to `upTo` when given (a correction set). */
export async function readCorrections(db: SqlExecutor, analysisId: number, upTo?: number): Promise<Correction[]> {
  const { rows } = await db.query<CorrectionRow>(
    `SELECT analysis_id, seq, kind, target, payload, author, created_at FROM review_corrections
     WHERE analysis_id = $1 AND ($2::int IS NULL OR seq <= $2) ORDER BY seq`,
    [analysisId, upTo ?? null],
  );
  return rows.map(fromRow);
}

/** StoreNotFoundError unless the target names a cell or fibre the analysis holds (or a cell added to it). */
async function checkTarget(tx: SqlExecutor, analysisId: number, target: string, what: string): Promise<void> {
  const t = parseTarget(target);
  let found = false;
  if (t?.kind === 'cell' || t?.kind === 'fibre') {
    const { rows } = await tx.query<{ n: number | null }>(
      `SELECT ${t.kind === 'cell' ? 'detections' : 'jsonb_array_length(fibres)'} AS n FROM tile_results WHERE analysis_id = $1 AND tile_id = $2`,
      [analysisId, t.tileId],
    );
    found = rows.length > 0 && rows[0].n !== null && t.index < rows[0].n;
  } else if (t?.kind === 'added') {
    const { rows } = await tx.query(`SELECT 1 FROM review_corrections WHERE analysis_id = $1 AND seq = $2 AND kind = 'add'`, [analysisId, t.seq]);
    found = rows.length > 0;
  }
  if (!found) throw new StoreNotFoundError(`${what}: analysis ${analysisId} has no ${target}`);
}

/**
 * Appends one correction (the next seq) with its audit row, in one transaction holding the
 * analysis: the analysis must be finished, its review not signed off (an analysed one is started),
 * the target must exist, and an added cell must lie on the slide.
 */
export async function writeCorrection(tx: SqlExecutor, analysisId: number, input: CorrectionInput, author: string): Promise<Correction> {
  const what = `addCorrection(analysis ${analysisId})`;
  const c = parseInput(CorrectionInput, input, what);
  const status = await lockReviewedAnalysis(tx, analysisId, what);
  if (status !== 'done') throw new StoreConflictError(`${what}: the analysis is ${status}; corrections are made on a finished analysis`);
  if (c.kind === 'add') {
    const { rows } = await tx.query<{ width: number; height: number }>('SELECT s.width, s.height FROM analyses a JOIN slides s ON s.id = a.slide_id WHERE a.id = $1', [analysisId]);
    const { width, height } = rows[0];
    if (c.x >= width || c.y >= height) throw new StoreInputError(`${what}: the added cell at (${c.x}, ${c.y}) px lies outside the ${width}×${height} px slide`);
  } else {
    await checkTarget(tx, analysisId, c.target, what);
  }
  const position = await positionForEdit(tx, analysisId, author, what);
  const existing = await readCorrections(tx, analysisId);
  const seq = (existing.at(-1)?.seq ?? 0) + 1;
  const target = targetOf(c, seq);
  const { kind, ...rest } = c;
  const payload: Record<string, unknown> = { ...rest };
  delete payload.target;
  const saved = await tx.query<CorrectionRow>(
    `INSERT INTO review_corrections (analysis_id, seq, kind, target, payload, author) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING analysis_id, seq, kind, target, payload, author, created_at`,
    [analysisId, seq, kind, target, JSON.stringify(payload), author],
  );
  const correction = fromRow(saved.rows[0]);
  const before = correctionEffects(existing).get(target) ?? null;
  const after = correctionEffects([...existing, correction]).get(target) ?? null;
  await appendAudit(tx, { analysisId, actor: author, action: 'correction.add', target, before, after: { seq, kind, effect: after }, position });
  return correction;
}
