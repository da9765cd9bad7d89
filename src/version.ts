/**
 * Version of the analysis code, stored with every score. Bump the analysis part whenever a change
 * can move a number, so old and new results are never mixed under one parameters hash.
 */
export const ANALYSIS_VERSION = 'bq-analysis-1';
export const MODEL_ID_CLASSICAL = 'classical-watershed-1';
