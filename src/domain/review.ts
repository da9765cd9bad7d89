import { z } from 'zod';

/**
 * The pathologist's review (issue 12) as it crosses boundaries: regions to analyse and exclusions,
 * drawn on one slide analysis. A layer over the algorithm's stored output, never an edit of it.
 */

/** Most vertices one polygon may have: a freehand outline of a whole section at 1 vertex per µm stays under it. */
export const MAX_POLYGON_VERTICES = 100_000;
/** Most regions and exclusions one analysis may carry. */
export const MAX_REGIONS = 1_000;

/** A vertex in level-0 pixels of the slide (µm = px · the slide's level-0 µm/px). */
export const Vertex = z.tuple([z.number().finite(), z.number().finite()]);
export type Vertex = z.infer<typeof Vertex>;

/** A simple polygon's outline; closing it again (first vertex repeated) is allowed and ignored. */
export const Polygon = z.array(Vertex).min(3, 'a polygon needs at least 3 vertices').max(MAX_POLYGON_VERTICES);
export type Polygon = z.infer<typeof Polygon>;

/** 'region': analyse inside; 'exclusion': leave out (folds, artefacts), wherever it lies. */
export const RegionKind = z.enum(['region', 'exclusion']);
export type RegionKind = z.infer<typeof RegionKind>;

export const ReviewRegion = z.object({
  kind: RegionKind,
  polygon: Polygon,
  /** the pathologist's label, e.g. the QuPath class name it came from */
  name: z.string().max(200).optional(),
});
export type ReviewRegion = z.infer<typeof ReviewRegion>;

export const ReviewRegions = z.array(ReviewRegion).max(MAX_REGIONS);

/** One saved version of an analysis's regions: the whole set as the author left it. */
export const RegionSet = z.object({
  analysisId: z.number().int().positive(),
  /** 1, 2, … per analysis; every save makes the next */
  version: z.number().int().positive(),
  /** the token principal (token id, or 'cli') that saved it */
  author: z.string().min(1),
  createdAt: z.date(),
  regions: ReviewRegions,
});
export type RegionSet = z.infer<typeof RegionSet>;

/** What a caller asks to save. */
export const RegionSetInput = z.object({
  regions: ReviewRegions,
  author: z.string().min(1).max(200),
  /**
   * The version the edit was made on (0: none yet). When given and no longer the latest, the save
   * is refused (StoreConflictError) instead of overwriting someone else's edit.
   */
  baseVersion: z.number().int().nonnegative().optional(),
});
export type RegionSetInput = z.input<typeof RegionSetInput>;
