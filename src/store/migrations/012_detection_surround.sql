-- The median DAB OD of the tissue round a cell, for stains graded above their surroundings
-- (params.surroundDab: the IL-1 markers, which also colour sarcoplasm and stroma diffusely).
-- NULL where the analysis did not measure it (every other marker, and rows stored before).
ALTER TABLE detections ADD COLUMN dab_surround real;
