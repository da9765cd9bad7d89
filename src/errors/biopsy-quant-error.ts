/**
 * The base of every typed error (DESIGN.md): `code` is stable for programs and is stored on a
 * failed slide's row; `message` names the file and the problem for people; `cause` keeps the
 * underlying error for the log.
 */
export class BiopsyQuantError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
