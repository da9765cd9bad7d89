import { StoreError } from './store-error.js';

/** The record exists but is in the wrong state for the call (scores for a failed or half-saved analysis). */
export class StoreConflictError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'STORE_CONFLICT');
  }
}
