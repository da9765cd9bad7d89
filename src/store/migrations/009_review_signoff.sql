-- The pathologist's review (issue 12), second slice: corrections of the algorithm's output, review
-- states and sign-off, and the audit log. Every table here is append-only: no code path updates or
-- deletes a row (the cascades only follow an analysis that is itself deleted).

-- One row per correction, numbered 1, 2, … per analysis. The algorithm's rows (detections,
-- tile_results) are never touched: re-scoring folds these over them, the latest per target
-- winning (src/domain/corrections.ts). Targets: 'cell:<tile>:<seq>' (detections.tile_id, .seq),
-- 'fibre:<tile>:<index>' (index in tile_results.fibres), 'added:<seq>' (the add correction's seq).
CREATE TABLE review_corrections (
  analysis_id  integer NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  seq          integer NOT NULL CHECK (seq >= 1),
  kind         text NOT NULL CHECK (kind IN ('reclassify', 'delete', 'add', 'fibre', 'revert')),
  target       text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  author       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (analysis_id, seq)
);

-- One row per sign-off: what was signed (region version, corrections up to seq; 0 = none) and the
-- scores as signed, so the signed version stays readable whatever is edited after a reopen.
CREATE TABLE review_signoffs (
  analysis_id     integer NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  version         integer NOT NULL CHECK (version >= 1),
  author          text NOT NULL,
  region_version  integer NOT NULL CHECK (region_version >= 0),
  correction_seq  integer NOT NULL CHECK (correction_seq >= 0),
  corrections     integer NOT NULL CHECK (corrections >= 0),
  scores          jsonb NOT NULL,
  marker_scores   jsonb,
  qc              jsonb,
  signed_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (analysis_id, version)
);

-- Every review change: who, when, what, before/after. `state` and `review_version` are the
-- analysis's review state after the change, so the latest row of an analysis is its current state
-- (none: 'analysed', version 0).
CREATE TABLE review_audit (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  analysis_id     integer NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  actor           text NOT NULL,
  action          text NOT NULL CHECK (action IN ('regions.save', 'correction.add', 'review.start', 'review.sign_off', 'review.reopen')),
  target          text,
  before          jsonb,
  after           jsonb,
  state           text NOT NULL CHECK (state IN ('analysed', 'in_review', 'signed_off')),
  review_version  integer NOT NULL CHECK (review_version >= 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_audit_analysis ON review_audit (analysis_id, id);

-- A reviewed analysis is never re-run in place: re-analysing its slide with the same parameters and
-- code makes the next run, a new analysis row, and the reviewed one keeps its rows.
ALTER TABLE analyses ADD COLUMN run integer NOT NULL DEFAULT 1 CHECK (run >= 1);
ALTER TABLE analyses DROP CONSTRAINT analyses_slide_id_params_hash_code_version_key;
ALTER TABLE analyses ADD CONSTRAINT analyses_slide_params_code_run_key UNIQUE (slide_id, params_hash, code_version, run);
