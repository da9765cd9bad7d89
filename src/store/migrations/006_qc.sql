-- Automatic quality control (issue 10 point 4). NULL wherever QC did not run (params.qc.enabled
-- off, or a row written before this migration), so "not checked" never reads as "nothing found".

-- what QC excluded from the tile's core (TileQc, src/domain/qc.ts): counts per cause and the
-- run-length block masks the viewer draws; read back whole with its tile
ALTER TABLE tile_results ADD COLUMN qc jsonb;

-- the slide's QC summary (QcSummary): % excluded per cause and in all, and the verdict
ALTER TABLE slide_scores ADD COLUMN qc jsonb;
