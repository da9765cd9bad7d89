-- The pathologist's review (issue 12), first slice: regions to analyse and exclusions drawn on a
-- slide analysis, and the per-tile pixel positions re-scoring inside them needs.

-- where each tile's tissue and DAB pixels lie, by 16 µm block (AreaGrid, src/domain/area-grid.ts);
-- NULL on tiles stored before this migration: such an analysis cannot be re-scored in regions
ALTER TABLE tile_results ADD COLUMN area_grid jsonb;

-- Every edit of an analysis's regions stores the whole set as a new version; old versions stay
-- readable and are never updated. Polygons are level-0 pixel coordinates (ReviewRegion,
-- src/domain/review.ts); author is the token principal that saved them, as batches.created_by.
CREATE TABLE review_regions (
  analysis_id  integer NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  version      integer NOT NULL CHECK (version >= 1),
  author       text NOT NULL,
  regions      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (analysis_id, version)
);

-- a pathologist token may edit regions (and, later, sign off); the role joins the allowed ones
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('submitter', 'reader', 'pathologist', 'admin'));
