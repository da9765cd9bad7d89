import { BiopsyQuantError } from './biopsy-quant-error.js';

/** Analysis could not produce a trustworthy result (e.g. no tissue found). */
export class AnalysisError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ANALYSIS', message, options);
  }
}
