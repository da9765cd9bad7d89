import { BiopsyQuantError } from './biopsy-quant-error.js';

/** The file is not a readable slide: wrong format, corrupt or truncated, absurd dimensions. */
export class SlideFormatError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SLIDE_FORMAT', message, options);
  }
}
