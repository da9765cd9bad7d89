import { BiopsyQuantError } from '../domain/errors.js';

/** The store refused or could not do something: unknown id, bad input, a broken migration. */
export class StoreError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE', message, options);
  }
}
