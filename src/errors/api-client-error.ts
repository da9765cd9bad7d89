import { BiopsyQuantError } from './biopsy-quant-error.js';

/**
 * The CLI's side of the API: a request the server refused (`status` is its answer) or a server
 * that could not be reached; the message says which.
 */
export class ApiClientError extends BiopsyQuantError {
  constructor(message: string, readonly status?: number) {
    super('API', message);
  }
}
