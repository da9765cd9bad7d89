import { StoreError } from './store-error.js';

/** The store refused its input: a field fails its schema, a duplicate, a record that refers to nothing given. */
export class StoreInputError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'STORE_INPUT');
  }
}
