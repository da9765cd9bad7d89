import { BiopsyQuantError } from './biopsy-quant-error.js';

/**
 * The slide needed more time or memory than one slide is allowed (SLIDE_READ_TIMEOUT_S,
 * TILE_TIMEOUT_S, WORKER_HEAP_MB): the thread reading it was stopped so the rest of the batch
 * goes on. Retrying would only exceed the budget again.
 */
export class SlideBudgetError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SLIDE_BUDGET', message, options);
  }
}
