-- The cohort (issue 5): patients by pseudonym only, one biopsy per patient and timepoint, one
-- serial-section slide file per marker per biopsy, and clinical visits with the raw IMACS core set
-- measures and FI-2 (SCIENCE.md "Outcomes (IMACS)"). Responder status is derived, never stored.
-- A patient's rows hang off the patient with ON DELETE CASCADE so a re-import can replace them.

CREATE TABLE patients (
  pseudonym   text PRIMARY KEY,
  diagnosis   text NOT NULL CHECK (diagnosis IN ('DM', 'PM', 'IBM', 'IMNM', 'ASS')),
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE biopsies (
  patient     text NOT NULL REFERENCES patients (pseudonym) ON DELETE CASCADE,
  timepoint   text NOT NULL CHECK (timepoint IN ('baseline', 'month-6', 'month-12')),
  taken_on    date NOT NULL,
  muscle      text NOT NULL,
  PRIMARY KEY (patient, timepoint)
);

-- (patient, timepoint, marker) names the slide; the file is the path the pathologist gave
CREATE TABLE biopsy_slides (
  patient     text NOT NULL,
  timepoint   text NOT NULL,
  marker      text NOT NULL,
  file        text NOT NULL,
  PRIMARY KEY (patient, timepoint, marker),
  FOREIGN KEY (patient, timepoint) REFERENCES biopsies (patient, timepoint) ON DELETE CASCADE
);

-- a missing measure is NULL (not recorded), which IMACS treats as neither better nor worse
CREATE TABLE visits (
  patient           text NOT NULL REFERENCES patients (pseudonym) ON DELETE CASCADE,
  timepoint         text NOT NULL CHECK (timepoint IN ('baseline', 'month-6', 'month-12')),
  visited_on        date NOT NULL,
  physician_global  double precision CHECK (physician_global BETWEEN 0 AND 10),
  patient_global    double precision CHECK (patient_global BETWEEN 0 AND 10),
  mmt8              double precision CHECK (mmt8 BETWEEN 0 AND 80),
  haq               double precision CHECK (haq BETWEEN 0 AND 3),
  extramuscular     double precision CHECK (extramuscular BETWEEN 0 AND 10),
  ck                double precision CHECK (ck >= 0),
  fi2               double precision CHECK (fi2 >= 0),
  PRIMARY KEY (patient, timepoint)
);
