/**
 * Typed errors that end up on a slide's row, readable by the user (DESIGN.md).
 * `code` is stable for programs; `message` names the file and the problem for people.
 */
export class BiopsyQuantError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The file is not a readable slide: wrong format, corrupt or truncated, absurd dimensions. */
export class SlideFormatError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SLIDE_FORMAT', message, options);
  }
}

/** Metadata is missing or wrong: no pixel size, unknown marker, bad manifest entry. */
export class MetadataError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('METADATA', message, options);
  }
}

/** Analysis could not produce a trustworthy result (e.g. no tissue found). */
export class AnalysisError extends BiopsyQuantError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ANALYSIS', message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
