import { RegionSetInput, type RegionSet } from '../domain/review.js';
import { StoreConflictError, StoreNotFoundError } from '../errors/index.js';
import { appendAudit, positionForEdit } from './audit-rows.js';
import type { SqlExecutor } from './executor.js';
import { parseInput } from './parse-input.js';

/** A saved version without its polygons, for listing an analysis's history. */
export type RegionVersion = Omit<RegionSet, 'regions'> & { regionCount: number };

interface RegionRow {
  analysis_id: number;
  version: number;
  author: string;
  created_at: Date;
  regions?: unknown;
  region_count?: number;
}

function fromRow(r: RegionRow): RegionSet {
  // jsonb comes back parsed from both drivers; it was validated with ReviewRegions when stored
  return { analysisId: r.analysis_id, version: r.version, author: r.author, createdAt: r.created_at, regions: r.regions as RegionSet['regions'] };
}

/**
 * Saves the regions as the analysis's next version, in one transaction holding the analysis row,
 * so two concurrent saves get consecutive versions rather than one failing on the key.
 */
export async function writeRegions(tx: SqlExecutor, analysisId: number, input: RegionSetInput): Promise<RegionSet> {
  const what = `saveRegions(analysis ${analysisId})`;
  const r = parseInput(RegionSetInput, input, what);
  const a = await tx.query('SELECT 1 FROM analyses WHERE id = $1 FOR UPDATE', [analysisId]);
  if (a.rows.length === 0) throw new StoreNotFoundError(`${what}: analysis ${analysisId} does not exist`);
  const previous = await readRegions(tx, analysisId);
  const latest = previous?.version ?? 0;
  if (r.baseVersion !== undefined && r.baseVersion !== latest) {
    throw new StoreConflictError(`${what}: the edit was made on version ${r.baseVersion} but version ${latest} is the latest; reload and edit again`);
  }
  const position = await positionForEdit(tx, analysisId, r.author, what);
  const saved = await tx.query<RegionRow>(
    `INSERT INTO review_regions (analysis_id, version, author, regions) VALUES ($1, $2, $3, $4)
     RETURNING analysis_id, version, author, created_at, regions`,
    [analysisId, latest + 1, r.author, JSON.stringify(r.regions)],
  );
  const after = fromRow(saved.rows[0]);
  await appendAudit(tx, { analysisId, actor: r.author, action: 'regions.save', before: previous ? regionSummary(previous) : null, after: regionSummary(after), position });
  return after;
}

/** What the audit log keeps of a region version: the polygons stay in review_regions under it. */
function regionSummary(set: RegionSet): { version: number; regions: number; exclusions: number } {
  const exclusions = set.regions.filter((x) => x.kind === 'exclusion').length;
  return { version: set.version, regions: set.regions.length - exclusions, exclusions };
}

/** The given version, or the latest when none is given; undefined when there is no such version. */
export async function readRegions(db: SqlExecutor, analysisId: number, version?: number): Promise<RegionSet | undefined> {
  const { rows } = await db.query<RegionRow>(
    `SELECT analysis_id, version, author, created_at, regions FROM review_regions
     WHERE analysis_id = $1 AND ($2::int IS NULL OR version = $2)
     ORDER BY version DESC LIMIT 1`,
    [analysisId, version ?? null],
  );
  return rows.length === 0 ? undefined : fromRow(rows[0]);
}

/** Every version of the analysis's regions, oldest first. */
export async function readRegionVersions(db: SqlExecutor, analysisId: number): Promise<RegionVersion[]> {
  const { rows } = await db.query<RegionRow>(
    `SELECT analysis_id, version, author, created_at, jsonb_array_length(regions)::int AS region_count FROM review_regions
     WHERE analysis_id = $1 ORDER BY version`,
    [analysisId],
  );
  return rows.map((r) => ({ analysisId: r.analysis_id, version: r.version, author: r.author, createdAt: r.created_at, regionCount: r.region_count ?? 0 }));
}

