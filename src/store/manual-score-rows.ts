import { z } from 'zod';
import { biopsySlideOf, MarkerName, TIMEPOINTS } from '../domain/biopsy.js';
import { ManualScore, RaterId } from '../domain/manual-score.js';
import { StoreInputError } from '../errors/index.js';
import type { SqlExecutor } from './executor.js';

export const ManualScores = z.array(ManualScore).min(1);

export const ManualScoreFilter = z.object({
  score: z.string().min(1).optional(),
  marker: MarkerName.optional(),
  raters: z.array(RaterId).min(1).optional(),
});
export type ManualScoreFilter = z.input<typeof ManualScoreFilter>;

export interface ManualImportSummary {
  stored: number;
  /** reads that replaced an earlier read of the same slide, rater and score */
  replaced: number;
  raters: string[];
}

const keyOf = (s: { patient: string; timepoint: string; marker: string; rater: string; score: string }) =>
  `${biopsySlideOf(s.patient, s.timepoint, s.marker)}|${s.rater}|${s.score}`;

/** Writes validated reads inside the caller's transaction; a read of a stored slide, rater and score replaces it. */
export async function writeManualScores(tx: SqlExecutor, reads: readonly ManualScore[]): Promise<ManualImportSummary> {
  const seen = new Set<string>();
  for (const r of reads) {
    const k = keyOf(r);
    if (seen.has(k)) throw new StoreInputError(`importManualScores: nothing imported, ${r.rater} read ${r.score} of ${biopsySlideOf(r.patient, r.timepoint, r.marker)} twice`);
    seen.add(k);
  }
  const col = <K extends keyof ManualScore>(k: K) => reads.map((r) => r[k]);
  const { rows } = await tx.query<{ inserted: boolean }>(
    `INSERT INTO manual_scores AS m (patient, timepoint, marker, rater, score, value, read_on, source)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::date[], $8::text[])
     ON CONFLICT (patient, timepoint, marker, rater, score) DO UPDATE SET value = excluded.value, read_on = excluded.read_on,
       source = excluded.source, imported_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [col('patient'), col('timepoint'), col('marker'), col('rater'), col('score'), col('value'), col('date'), col('source')],
  );
  return { stored: rows.length, replaced: rows.filter((r) => !r.inserted).length, raters: [...new Set(col('rater'))].sort() };
}

// timepoints in study order, not alphabetical
const TIMEPOINT_ORDER = `array_position(ARRAY[${TIMEPOINTS.map((t) => `'${t}'`).join(', ')}]::text[], timepoint)`;

export async function readManualScores(db: SqlExecutor, f: z.output<typeof ManualScoreFilter>): Promise<ManualScore[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT patient, timepoint, marker, rater, score, value, read_on::text AS date, source FROM manual_scores
     WHERE ($1::text IS NULL OR score = $1) AND ($2::text IS NULL OR marker = $2) AND ($3::text[] IS NULL OR rater = ANY($3::text[]))
     ORDER BY score, marker, patient, ${TIMEPOINT_ORDER}, rater`,
    [f.score ?? null, f.marker ?? null, f.raters ?? null],
  );
  return z.array(ManualScore).parse(rows);
}
