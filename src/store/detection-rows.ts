import type { Compartment } from '../domain/params.js';
import { compartmentOd, type Detection, type TileResult } from '../domain/detection.js';

/**
 * Detections go in as one array per column through unnest(), which both PostgreSQL and PGlite
 * take as ordinary parameters: one statement per chunk instead of one per row.
 */
export const INSERT_DETECTIONS_SQL = `INSERT INTO detections
  (analysis_id, tile_id, seq, x_um, y_um, grade, dab_od, dab_nucleus, dab_cytoplasm, dab_cell,
   hematoxylin_od, nucleus_area_um2, cell_area_um2, location, in_fibre, dab_surround)
SELECT $1::int, * FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::smallint[],
  $7::real[], $8::real[], $9::real[], $10::real[], $11::real[], $12::real[], $13::real[], $14::text[], $15::boolean[], $16::real[])`;

/** Rows per statement: large enough to amortise the round trip, small enough to keep parameter text modest. */
export const DETECTION_CHUNK = 10_000;

export interface DetectionColumns {
  tileId: number[];
  seq: number[];
  x: number[];
  y: number[];
  grade: number[];
  dabOd: number[];
  dabNucleus: number[];
  dabCytoplasm: number[];
  dabCell: number[];
  hematoxylinOd: number[];
  nucleusArea: number[];
  cellArea: number[];
  /** null where the detection has none (not a muscle analysis) */
  location: (Detection['location'] | null)[];
  inFibre: (boolean | null)[];
  /** null where the analysis did not measure it (params.surroundDab off) */
  dabSurround: (number | null)[];
}

function columns(n: number): DetectionColumns {
  const a = () => new Array<number>(n);
  return {
    tileId: a(), seq: a(), x: a(), y: a(), grade: a(), dabOd: a(), dabNucleus: a(), dabCytoplasm: a(), dabCell: a(), hematoxylinOd: a(), nucleusArea: a(), cellArea: a(),
    location: new Array<Detection['location'] | null>(n),
    inFibre: new Array<boolean | null>(n),
    dabSurround: new Array<number | null>(n),
  };
}

/** The DAB OD that graded the cell: the compartment chosen in the analysis parameters, above its surround where that was measured. */
function gradedOd(d: Detection, compartment: Compartment): number {
  return compartmentOd(d, compartment) - (d.dabSurround ?? 0);
}

/** Splits the tiles' detections into column chunks of at most `chunk` rows. */
export function detectionChunks(tiles: TileResult[], compartment: Compartment, chunk = DETECTION_CHUNK): DetectionColumns[] {
  let remaining = 0;
  for (const t of tiles) remaining += t.detections.length;
  const out: DetectionColumns[] = [];
  let cols = columns(Math.min(chunk, remaining));
  let k = 0;
  for (const t of tiles) {
    for (let i = 0; i < t.detections.length; i++) {
      const d = t.detections[i];
      cols.tileId[k] = t.tileId;
      cols.seq[k] = i;
      cols.x[k] = d.x;
      cols.y[k] = d.y;
      cols.grade[k] = d.grade;
      cols.dabOd[k] = gradedOd(d, compartment);
      cols.dabNucleus[k] = d.dabNucleus;
      cols.dabCytoplasm[k] = d.dabCytoplasm;
      cols.dabCell[k] = d.dabCell;
      cols.hematoxylinOd[k] = d.hematoxylinOd;
      cols.nucleusArea[k] = d.nucleusAreaUm2;
      cols.cellArea[k] = d.cellAreaUm2;
      cols.location[k] = d.location ?? null;
      cols.inFibre[k] = d.inFibre ?? null;
      cols.dabSurround[k] = d.dabSurround ?? null;
      remaining--;
      if (++k === cols.seq.length) {
        out.push(cols);
        cols = columns(Math.min(chunk, remaining));
        k = 0;
      }
    }
  }
  return out;
}

export function insertDetectionParams(analysisId: number, c: DetectionColumns): unknown[] {
  return [analysisId, c.tileId, c.seq, c.x, c.y, c.grade, c.dabOd, c.dabNucleus, c.dabCytoplasm, c.dabCell, c.hematoxylinOd, c.nucleusArea, c.cellArea, c.location, c.inFibre, c.dabSurround];
}

/**
 * One row per tile carrying its detections as a JSON array of arrays. Both drivers parse wide
 * result rows value by value, which for PGlite is ~3× slower than one JSON.parse per tile; per
 * tile (not per analysis) keeps each JSON text bounded. Real columns print as the shortest
 * decimal that rounds back to the same float4, float8 as exact shortest decimals.
 */
export const SELECT_DETECTIONS_SQL = `SELECT tile_id, json_agg(json_build_array(x_um, y_um, grade, dab_nucleus, dab_cytoplasm,
  dab_cell, hematoxylin_od, nucleus_area_um2, cell_area_um2, location, in_fibre, dab_surround) ORDER BY seq)::text AS detections
FROM detections WHERE analysis_id = $1 GROUP BY tile_id ORDER BY tile_id`;

export interface TileDetectionsRow {
  tile_id: number;
  detections: string;
}

type PackedDetection = [number, number, number, number, number, number, number, number, number, Detection['location'] | null, boolean | null, number | null];

export function detectionsFromRow(r: TileDetectionsRow): Detection[] {
  const packed = JSON.parse(r.detections) as PackedDetection[];
  const out = new Array<Detection>(packed.length);
  for (let i = 0; i < packed.length; i++) {
    const p = packed[i];
    const d: Detection = {
      x: p[0],
      y: p[1],
      grade: p[2],
      dabNucleus: p[3],
      dabCytoplasm: p[4],
      dabCell: p[5],
      hematoxylinOd: p[6],
      nucleusAreaUm2: p[7],
      cellAreaUm2: p[8],
    };
    // NULL means the analysis had no such field: the key stays absent, as it was written
    if (p[9] !== null) d.location = p[9];
    if (p[10] !== null) d.inFibre = p[10];
    if (p[11] !== null && p[11] !== undefined) d.dabSurround = p[11];
    out[i] = d;
  }
  return out;
}
