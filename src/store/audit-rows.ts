import { editPosition, UNREVIEWED, type ReviewPosition, type ReviewState } from '../domain/review-state.js';
import { StoreConflictError, StoreNotFoundError } from '../errors/index.js';
import type { SqlExecutor } from './executor.js';

export type AuditAction = 'regions.save' | 'correction.add' | 'review.start' | 'review.sign_off' | 'review.reopen';

/** One audit row: who changed what on an analysis's review, when, and how it was before and after. */
export interface AuditEntry {
  id: number;
  analysisId: number;
  actor: string;
  action: AuditAction;
  /** the correction's target; null for regions and state changes */
  target: string | null;
  before: unknown;
  after: unknown;
  /** the review state and version after the change */
  state: ReviewState;
  version: number;
  createdAt: Date;
}

/** The analysis's review state and version: its latest audit row's (analysed, 0 when it has none). */
export async function reviewPosition(db: SqlExecutor, analysisId: number): Promise<ReviewPosition> {
  const { rows } = await db.query<{ state: ReviewState; review_version: number }>(
    'SELECT state, review_version FROM review_audit WHERE analysis_id = $1 ORDER BY id DESC LIMIT 1',
    [analysisId],
  );
  return rows.length === 0 ? UNREVIEWED : { state: rows[0].state, version: rows[0].review_version };
}

/** Appends one audit row (the only write the audit log has). */
export async function appendAudit(
  tx: SqlExecutor,
  e: { analysisId: number; actor: string; action: AuditAction; target?: string | null; before: unknown; after: unknown; position: ReviewPosition },
): Promise<void> {
  await tx.query(
    `INSERT INTO review_audit (analysis_id, actor, action, target, before, after, state, review_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.analysisId, e.actor, e.action, e.target ?? null, JSON.stringify(e.before ?? null), JSON.stringify(e.after ?? null), e.position.state, e.position.version],
  );
}

/** Locks the analysis row for the rest of the transaction; its status, StoreNotFoundError when there is none. */
export async function lockReviewedAnalysis(tx: SqlExecutor, analysisId: number, what: string): Promise<string> {
  const { rows } = await tx.query<{ status: string }>('SELECT status FROM analyses WHERE id = $1 FOR UPDATE', [analysisId]);
  if (rows.length === 0) throw new StoreNotFoundError(`${what}: analysis ${analysisId} does not exist`);
  return rows[0].status;
}

/**
 * The review position an edit is made in, inside the transaction that stores it (the analysis
 * locked): a signed-off review refuses (StoreConflictError: reopen first); an analysed one is
 * started by the edit, and the start is logged under the editor's name.
 */
export async function positionForEdit(tx: SqlExecutor, analysisId: number, actor: string, what: string): Promise<ReviewPosition> {
  const from = await reviewPosition(tx, analysisId);
  const to = editPosition(from);
  if (typeof to === 'string') throw new StoreConflictError(`${what}: ${to}`);
  if (to.state !== from.state) {
    await appendAudit(tx, { analysisId, actor, action: 'review.start', before: from, after: { ...to, by: 'first edit' }, position: to });
  }
  return to;
}

/** Every audit row of the analysis, oldest first. */
export async function readAudit(db: SqlExecutor, analysisId: number): Promise<AuditEntry[]> {
  // aliased to AuditEntry's names; jsonb comes back parsed from both drivers
  const { rows } = await db.query<AuditEntry>(
    `SELECT id, analysis_id AS "analysisId", actor, action, target, before, after, state, review_version AS version, created_at AS "createdAt"
     FROM review_audit WHERE analysis_id = $1 ORDER BY id`,
    [analysisId],
  );
  return rows;
}
