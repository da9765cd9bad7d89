import { BiopsyQuantError } from './biopsy-quant-error.js';

/**
 * One problem found while importing a cohort file. `row` is the CSV line the record starts on
 * (the header is row 1, as a spreadsheet numbers it) or the 1-based position in a JSON array;
 * null for a problem with the whole file.
 */
export interface ImportIssue {
  file: string;
  row: number | null;
  field: string | null;
  message: string;
}

/** `visits.csv row 4, field mmt8: expected a number 0–80, got "abc"` */
export function formatIssue(issue: ImportIssue, json = issue.file.toLowerCase().endsWith('.json')): string {
  const where = [issue.file];
  if (issue.row !== null) where.push(`${json ? 'item' : 'row'} ${issue.row}`);
  const head = where.join(' ');
  return issue.field === null ? `${head}: ${issue.message}` : `${head}, field ${issue.field}: ${issue.message}`;
}

/** Issues shown in a message; every one is still in `issues` (and in the API's 400 body). */
const SHOWN = 20;

/**
 * A cohort import (or an import of the cohort's manual reads, `what`) was refused: every problem
 * found, in file and row order. Nothing was kept.
 */
export class CohortImportError extends BiopsyQuantError {
  constructor(readonly issues: readonly ImportIssue[], what = 'cohort') {
    const n = issues.length;
    const shown = issues.slice(0, SHOWN).map((i) => formatIssue(i)).join('; ');
    super('COHORT_IMPORT', `${what} not imported, ${n} problem${n === 1 ? '' : 's'}: ${shown}${n > SHOWN ? ` … and ${n - SHOWN} more` : ''}`);
  }
}
