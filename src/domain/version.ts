/**
 * Version of the analysis code, stored with every score. Bump the analysis part whenever a change
 * can move a number, so old and new results are never mixed under one parameters hash
 * (test/golden pins the scores of a fixed slide set together with this version).
 * 2: muscle analysis (section tissue, fibres, locations, marker scores).
 * 3: each marker's registry settings applied (CD3/CD4/CD8 graded on the cytoplasm).
 */
export const ANALYSIS_VERSION = 'bq-analysis-3';
export const MODEL_ID_CLASSICAL = 'classical-watershed-1';
