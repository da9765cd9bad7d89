import { AnalysisError } from './analysis-error.js';
import { BiopsyQuantError } from './biopsy-quant-error.js';
import { MetadataError } from './metadata-error.js';
import { SlideBudgetError } from './slide-budget-error.js';
import { SlideFormatError } from './slide-format-error.js';
import { SlidePathError } from './slide-path-error.js';

/**
 * A typed error as it crosses a worker-thread boundary. Structured clone keeps an error's message
 * but not its class or `code`, so a SlideFormatError thrown on a tile thread would reach the
 * batch as an untyped INTERNAL error; the thread sends this record instead and the pool rebuilds it.
 */
export interface ThreadErrorRecord {
  bqError: { code: string; message: string };
}

const BY_CODE: Record<string, new (message: string) => BiopsyQuantError> = {
  ANALYSIS: AnalysisError,
  METADATA: MetadataError,
  SLIDE_BUDGET: SlideBudgetError,
  SLIDE_FORMAT: SlideFormatError,
  SLIDE_PATH: SlidePathError,
};

/** The record for a typed error a thread may raise; undefined for anything else (it crosses as it is). */
export function threadErrorRecord(err: unknown): ThreadErrorRecord | undefined {
  if (err instanceof BiopsyQuantError && BY_CODE[err.code]) return { bqError: { code: err.code, message: err.message } };
  return undefined;
}

export function isThreadErrorRecord(value: unknown): value is ThreadErrorRecord {
  const e = (value as Partial<ThreadErrorRecord> | null)?.bqError;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
}

export function errorFromRecord(rec: ThreadErrorRecord): BiopsyQuantError {
  const Type = BY_CODE[rec.bqError.code];
  return Type ? new Type(rec.bqError.message) : new BiopsyQuantError(rec.bqError.code, rec.bqError.message);
}
