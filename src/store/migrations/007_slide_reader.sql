-- Which reader opened the slide and whose scanner wrote it (issue 11): scores carry the format
-- (already on slides), the backend (builtin | openslide | dicom) and the vendor/model the file
-- names. NULL on rows written before this migration: "not recorded", never a guess.
ALTER TABLE slides ADD COLUMN backend text;
ALTER TABLE slides ADD COLUMN vendor text;
