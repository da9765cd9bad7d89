import { z } from 'zod';
import { AnalysisParams } from './params.js';
import { TileSpec } from './detection.js';
import { FlatField } from './illumination.js';
import { QcReference } from './qc.js';

const Vec3 = z.tuple([z.number(), z.number(), z.number()]).readonly();

export const StainMatrixSchema = z.object({
  hematoxylin: Vec3,
  dab: Vec3,
  residual: Vec3,
  source: z.enum(['default', 'macenko', 'custom']),
});

/**
 * One unit of work: a batch of tiles of one slide level. The same payload is what a BullMQ
 * child job carries and what the embedded worker-thread pool receives, so both modes run the
 * same code on the same inputs.
 */
export const TileBatchJob = z.object({
  slidePath: z.string().min(1),
  /** only used when the file has no pixel size of its own */
  metadataMpp: z.number().positive().optional(),
  level: z.number().int().nonnegative(),
  /** µm/px of that level */
  mpp: z.number().positive(),
  stain: StainMatrixSchema,
  /** background intensity, one value or per RGB channel */
  i0: z.union([z.number().min(1).max(255), z.tuple([z.number().min(1).max(255), z.number().min(1).max(255), z.number().min(1).max(255)]).readonly()]),
  /** relative illumination on the level's pixel frame (OD against I0 · S); absent = uniform */
  flatField: FlatField.optional(),
  /**
   * where I0 came from (the plan's illumination): 'white-point' means no glass was in view, so
   * muscle analysis reads vessel lumens against the tile's own enclosed glass (detect/lumen-level.ts);
   * absent = as 'glass'
   */
  i0Source: z.enum(['glass', 'white-point', 'fixed']).optional(),
  params: AnalysisParams,
  /** with params.qc.enabled: the slide's focus and fold references, from the plan's sample of tiles */
  qcReference: QcReference.optional(),
  tiles: z.array(TileSpec).min(1),
});
export type TileBatchJob = z.infer<typeof TileBatchJob>;
