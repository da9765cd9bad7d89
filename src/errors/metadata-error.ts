import { BiopsyQuantError } from './biopsy-quant-error.js';

/** Metadata is missing or wrong: no pixel size, unknown marker, bad manifest entry. */
export class MetadataError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('METADATA', message, options);
  }
}
