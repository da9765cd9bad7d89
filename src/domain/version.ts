/**
 * Version of the analysis code, stored with every score. Bump the analysis part whenever a change
 * can move a number, so old and new results are never mixed under one parameters hash
 * (test/golden pins the scores of a fixed slide set together with this version).
 * 2: muscle analysis (section tissue, fibres, locations, marker scores).
 * 3: each marker's registry settings applied (CD3/CD4/CD8 graded on the cytoplasm).
 * 4: flat-field correction and glass detection; each marker graded where it stains (membrane for
 *    CD3/CD4/CD8/CD45, cytoplasm for CD68 and IL-1); membranous / cytoplasmic synthetic staining.
 */
export const ANALYSIS_VERSION = 'bq-analysis-4';
export const MODEL_ID_CLASSICAL = 'classical-watershed-1';
