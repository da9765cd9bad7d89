import { StoreError } from './store-error.js';

/** The id given to the store names no stored record (slide, analysis, batch slide). */
export class StoreNotFoundError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'STORE_NOT_FOUND');
  }
}
