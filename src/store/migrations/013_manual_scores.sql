-- Manual reads of the lab's pathologists (issue 17): one value per slide, rater and score, the
-- slide named as the cohort names it (patient, timepoint, marker). Reading the same slide and
-- score again replaces the value (the date says when); the method comparison sets these beside
-- the tool's scores. No foreign key to the cohort tables: reads may arrive before the cohort does.
CREATE TABLE manual_scores (
  patient      text NOT NULL,
  timepoint    text NOT NULL CHECK (timepoint IN ('baseline', 'month-6', 'month-12')),
  marker       text NOT NULL,
  rater        text NOT NULL CHECK (lower(rater) <> 'tool'),
  score        text NOT NULL,
  value        double precision NOT NULL,
  read_on      date NOT NULL,
  source       text NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (patient, timepoint, marker, rater, score)
);

CREATE INDEX manual_scores_by_score ON manual_scores (score, marker);
