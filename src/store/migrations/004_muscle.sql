-- Muscle analyses (issue 4). Every new column is NULL for an analysis that is not a muscle one
-- (or a row written before this migration), so "absent" reads back as absent, not as false or [].

-- where the cell lies and whether its centroid is inside a segmented fibre (Detection.location,
-- Detection.inFibre); a NULL passes the CHECK, as it should
ALTER TABLE detections
  ADD COLUMN location text CONSTRAINT detections_location_check CHECK (location IN ('endomysial', 'perimysial', 'perivascular')),
  ADD COLUMN in_fibre boolean;

-- the tile's segmented fibres (FibreRecord[]) as one JSON array: read back whole with their tile,
-- never queried fibre by fibre, and numbers keep their exact decimal
ALTER TABLE tile_results ADD COLUMN fibres jsonb;

-- MarkerScores (src/score/marker-scores.ts): the muscle-specific scores the slide's marker runs
ALTER TABLE slide_scores ADD COLUMN marker_scores jsonb;
