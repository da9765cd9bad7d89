import { AnalysisError } from './analysis-error.js';
import { ApiClientError } from './api-client-error.js';
import { BiopsyQuantError } from './biopsy-quant-error.js';
import { CohortImportError } from './cohort-import-error.js';
import { HttpError } from './http-error.js';
import { MetadataError } from './metadata-error.js';
import { NotFoundError } from './not-found-error.js';
import { SlideBudgetError } from './slide-budget-error.js';
import { SlideFormatError } from './slide-format-error.js';
import { SlidePathError } from './slide-path-error.js';
import { StorageFullError } from './storage-full-error.js';
import { StoreConflictError } from './store-conflict-error.js';
import { StoreError } from './store-error.js';
import { StoreInputError } from './store-input-error.js';
import { StoreNotFoundError } from './store-not-found-error.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The one mapping from a typed error to its HTTP status, first match wins (so a subclass is
 * listed before its base). 4xx: the client's to fix, the message is sent as is. 5xx: ours; the
 * server logs it and answers "internal error".
 */
export const HTTP_STATUS: ReadonlyArray<readonly [ErrorClass, number]> = [
  [StoreInputError, 400],
  [StoreNotFoundError, 404],
  [StoreConflictError, 409],
  // the store could not be opened or migrated, or its data contradicts itself: never the client's fault
  [StoreError, 500],
  // 507 Insufficient Storage: the server's disk, but the sender is told (TOLD_5XX)
  [StorageFullError, 507],
  [MetadataError, 400],
  [SlidePathError, 400],
  [SlideFormatError, 400],
  [CohortImportError, 400],
  [NotFoundError, 404],
  // well-formed request, but the data gives no trustworthy result
  [AnalysisError, 422],
  // the slide is too costly to read or analyse within one slide's budget
  [SlideBudgetError, 422],
  // the CLI's error for the server's answer; a server that throws one has a bug
  [ApiClientError, 500],
  // an untyped BiopsyQuantError says nothing about whose fault it is
  [BiopsyQuantError, 500],
];

/**
 * Server-side conditions whose message the client is given all the same: it says what happened
 * and that resending later will work, and names no path.
 */
export const TOLD_5XX: ReadonlyArray<ErrorClass> = [StorageFullError];

/**
 * The HTTP status for anything thrown while answering a request: an HttpError's own status,
 * the table above for typed errors, the framework's status (an error carrying a 4xx/5xx
 * `statusCode`, e.g. a body over the limit), else 500.
 */
export function httpStatusOf(err: unknown): number {
  if (err instanceof HttpError) return err.statusCode;
  for (const [type, status] of HTTP_STATUS) if (err instanceof type) return status;
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 500;
}
