-- Batches submitted to the service (queue mode). A batch is what one submission asked for; each
-- slide in it is tracked here until its analysis is done or has failed. Progress (tiles done /
-- total) is read from the slide's analysis row, which the tile writes already keep current, so
-- it is never stored twice.

CREATE TABLE batches (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- API token id, or 'cli'
  created_by   text NOT NULL,
  -- the resolved AnalysisParams every slide of the batch runs with, and their hash
  params       jsonb NOT NULL,
  params_hash  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX batches_created_by ON batches (created_by, id);

CREATE TABLE batch_slides (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  batch_id     integer NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  -- order in the submission, from 0
  position     integer NOT NULL CHECK (position >= 0),
  path         text NOT NULL,
  metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- readable message and typed error code (SlideFormatError → its code) of a failed slide
  error        text,
  code         text,
  -- set once the slide is planned; progress and scores are read through it
  analysis_id  integer REFERENCES analyses (id) ON DELETE SET NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (batch_id, position)
);
CREATE INDEX batch_slides_analysis ON batch_slides (analysis_id);
