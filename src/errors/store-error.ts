import { BiopsyQuantError } from './biopsy-quant-error.js';

/**
 * The store itself failed: it cannot be opened or configured, a migration failed, stored data
 * contradicts itself. The caller did nothing wrong; its subclasses are the refusals that are the
 * caller's to fix (StoreInputError, StoreNotFoundError, StoreConflictError).
 */
export class StoreError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }, code = 'STORE') {
    super(code, message, options);
  }
}
