import { BiopsyQuantError } from './biopsy-quant-error.js';

/** What was asked for does not exist, or a selection has nothing in it (no patient has both timepoints). */
export class NotFoundError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}
