import { BiopsyQuantError } from './biopsy-quant-error.js';

/**
 * The disk a file was being written to is full (ENOSPC, or over its quota: EDQUOT). Nobody's
 * mistake in the request, but the sender must know: what was being written is removed and nothing
 * refers to it, so the same request succeeds once space is freed.
 */
export class StorageFullError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_FULL', message, options);
  }

  /** ENOSPC or EDQUOT from the file system */
  static isDiskFull(err: unknown): boolean {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    return code === 'ENOSPC' || code === 'EDQUOT';
  }
}
