-- biopsy-quant store, version 1. PostgreSQL 15 dialect; runs unchanged on PGlite and PostgreSQL.
-- Integer identities (not bigint) so ids come back as JS numbers from both drivers.

-- One row per distinct file content: the same bytes are the same slide, wherever they lie.
CREATE TABLE slides (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256      text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  path        text NOT NULL,
  format      text NOT NULL,
  width       integer NOT NULL CHECK (width > 0),
  height      integer NOT NULL CHECK (height > 0),
  -- level-0 µm/px and where it came from ('file' | 'metadata')
  mpp         double precision NOT NULL CHECK (mpp > 0),
  mpp_source  text NOT NULL,
  patient     text,
  timepoint   text,
  marker      text,
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slides_patient_marker ON slides (patient, marker, timepoint);

-- Files that could not even be opened have no content identity worth trusting (unreadable,
-- truncated), so they live here, keyed by path: a re-submitted bad file updates its row, and
-- the row is removed once the same path is stored as a slide.
CREATE TABLE slide_failures (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  path        text NOT NULL UNIQUE,
  code        text,
  error       text NOT NULL,
  patient     text,
  timepoint   text,
  marker      text,
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  attempts    integer NOT NULL DEFAULT 1,
  failed_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per (slide, parameters, code version): re-running the same thing reuses the row.
CREATE TABLE analyses (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slide_id      integer NOT NULL REFERENCES slides (id) ON DELETE CASCADE,
  params_hash   text NOT NULL,
  params        jsonb NOT NULL,
  -- stain vectors used and their source (default | macenko | custom)
  stain         jsonb NOT NULL,
  code_version  text NOT NULL,
  model_id      text,
  -- µm/px of the level the analysis ran at
  mpp           double precision NOT NULL CHECK (mpp > 0),
  level         integer NOT NULL CHECK (level >= 0),
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  error         text,
  error_code    text,
  tiles_total   integer NOT NULL CHECK (tiles_total >= 0),
  tiles_done    integer NOT NULL DEFAULT 0 CHECK (tiles_done >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  UNIQUE (slide_id, params_hash, code_version)
);

-- Additive per-tile output; the primary key makes a retried tile replace, never add.
CREATE TABLE tile_results (
  analysis_id          integer NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  tile_id              integer NOT NULL CHECK (tile_id >= 0),
  tissue_pixels        integer NOT NULL CHECK (tissue_pixels >= 0),
  dab_positive_pixels  integer NOT NULL CHECK (dab_positive_pixels >= 0),
  grade0_pixels        integer NOT NULL,
  grade1_pixels        integer NOT NULL,
  grade2_pixels        integer NOT NULL,
  grade3_pixels        integer NOT NULL,
  detections           integer NOT NULL CHECK (detections >= 0),
  saved_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (analysis_id, tile_id)
);

-- Definitions and units: SCIENCE.md "Scores"; one column per SlideScores field.
CREATE TABLE slide_scores (
  analysis_id             integer PRIMARY KEY REFERENCES analyses (id) ON DELETE CASCADE,
  tissue_area_mm2         double precision NOT NULL,
  cells                   integer NOT NULL,
  cells_per_mm2           double precision NOT NULL,
  positive_cells          integer NOT NULL,
  positive_cells_per_mm2  double precision NOT NULL,
  pct_negative            double precision NOT NULL,
  pct_1plus               double precision NOT NULL,
  pct_2plus               double precision NOT NULL,
  pct_3plus               double precision NOT NULL,
  pct_positive            double precision NOT NULL,
  h_score                 double precision NOT NULL,
  allred_proportion       smallint NOT NULL,
  allred_intensity        smallint NOT NULL,
  allred                  smallint NOT NULL,
  pct_positive_area       double precision NOT NULL,
  pixel_h_score           double precision NOT NULL,
  computed_at             timestamptz NOT NULL DEFAULT now()
);

-- One row per detected cell. Coordinates are level-0 µm in double precision (slides reach
-- 10⁵ µm); optical densities and areas are real, far finer than their measurement error.
-- (analysis_id, tile_id, seq) is both the analysis_id index and the guard against a tile's
-- detections being written twice; seq keeps the order they were detected in.
CREATE TABLE detections (
  analysis_id       integer NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  tile_id           integer NOT NULL,
  seq               integer NOT NULL,
  x_um              double precision NOT NULL,
  y_um              double precision NOT NULL,
  grade             smallint NOT NULL CHECK (grade BETWEEN 0 AND 3),
  positive          boolean NOT NULL GENERATED ALWAYS AS (grade >= 1) STORED,
  -- mean DAB OD of the compartment that graded the cell (params.compartment)
  dab_od            real NOT NULL,
  dab_nucleus       real NOT NULL,
  dab_cytoplasm     real NOT NULL,
  dab_cell          real NOT NULL,
  hematoxylin_od    real NOT NULL,
  nucleus_area_um2  real NOT NULL,
  cell_area_um2     real NOT NULL,
  PRIMARY KEY (analysis_id, tile_id, seq)
);
