/**
 * QC results the plan computed for its reference tiles (qc-reference-sample.ts), handed to the
 * tile jobs of an embedded run so that no tile's QC runs twice: a slide of up to
 * params.qc.referenceTiles tiles (nearly every photograph and small section) otherwise computed
 * its QC once for the references and again in its tiles. Worker threads receive the typed arrays
 * by structured clone; BullMQ jobs (JSON) never carry them and their tiles compute QC themselves,
 * with the same result (the same crop and illumination: tile-qc.ts).
 */
import { z } from 'zod';
import type { TileBatchJob } from '../domain/job.js';
import type { QcTileResult } from '../detect/qc/index.js';

const F32 = z.instanceof(Float32Array);
const U8 = z.instanceof(Uint8Array);
const Precomputed = z
  .array(
    z.tuple([
      z.number().int().nonnegative(),
      z.object({
        blockUm: z.number().positive(),
        blockPx: z.number().int().positive(),
        stats: z.object({ cols: z.number().int(), rows: z.number().int(), tissue: F32, fine: F32, coarse: F32, hFine: F32.optional(), hCoarse: F32.optional(), floor: F32, hFloor: F32, dFloor: F32, sd: F32 }),
        masks: z.object({ pen: U8, ice: U8.nullable(), bubble: U8 }),
      }),
    ]),
  )
  .optional();

/** The job with the precomputed QC of those of its tiles that have one. */
export function withPrecomputedQc(job: TileBatchJob, qc: ReadonlyMap<number, QcTileResult> | undefined): TileBatchJob {
  if (!qc) return job;
  const mine = job.tiles.flatMap((t) => (qc.has(t.id) ? [[t.id, qc.get(t.id)!] as const] : []));
  return mine.length > 0 ? ({ ...job, qcPrecomputed: mine } as TileBatchJob) : job;
}

/** The precomputed QC a tile job payload carries, by tile id (empty when none). */
export function precomputedQcOf(payload: unknown): Map<number, QcTileResult> {
  const raw = (payload as { qcPrecomputed?: unknown } | null)?.qcPrecomputed;
  const parsed = Precomputed.parse(raw);
  return new Map(parsed ?? []);
}
