import { canonicalTimepoint } from '../domain/biopsy.js';
import { canonicalMarker } from '../domain/marker.js';
import type { SqlExecutor } from './executor.js';

/**
 * Names are made canonical where they enter (src/domain/names.ts), but rows stored before that,
 * or under a spelling the marker registry learns only later (an unknown stain is kept as given),
 * still hold the old spelling. This rewrites them with the same functions the door uses, so the
 * store never needs a second copy of the registry's aliases in SQL. It touches only rows whose
 * name is not canonical, so once a database is clean it changes nothing.
 */
const NAMES = { marker: canonicalMarker, timepoint: canonicalTimepoint } as const;

/** Tables holding slide metadata: the jsonb as submitted, and (where `columns`) the columns the score filters use. */
const TABLES = [
  { table: 'slides', columns: true },
  { table: 'slide_failures', columns: true },
  { table: 'batch_slides', columns: false },
] as const;

/** Rewrites every stored marker and timepoint to its canonical name; returns the number of rows changed. */
export async function canonicaliseStoredNames(tx: SqlExecutor): Promise<number> {
  let changed = 0;
  for (const { table, columns } of TABLES) {
    // migrate() also runs on databases built from other migration lists (its tests)
    const { rows: present } = await tx.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
    if (present[0]?.t == null) continue;
    for (const [field, canonical] of Object.entries(NAMES)) {
      const { rows } = await tx.query<{ name: string }>(
        `SELECT metadata->>'${field}' AS name FROM ${table} WHERE metadata->>'${field}' IS NOT NULL
         ${columns ? `UNION SELECT ${field} FROM ${table} WHERE ${field} IS NOT NULL` : ''}`,
      );
      for (const { name } of rows) {
        const to = canonical(name);
        // a blank name is not a name to rename to; the row keeps what it had
        if (to === name || to === '') continue;
        const set = [`metadata = CASE WHEN metadata->>'${field}' = $1 THEN jsonb_set(metadata, '{${field}}', to_jsonb($2::text)) ELSE metadata END`];
        if (columns) set.push(`${field} = CASE WHEN ${field} = $1 THEN $2 ELSE ${field} END`);
        const where = `metadata->>'${field}' = $1${columns ? ` OR ${field} = $1` : ''}`;
        const { rows: done } = await tx.query<{ n: number }>(
          `WITH changed AS (UPDATE ${table} SET ${set.join(', ')} WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM changed`,
          [name, to],
        );
        changed += done[0]?.n ?? 0;
      }
    }
  }
  return changed;
}
