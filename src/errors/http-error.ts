/** An error that carries its HTTP status; the server's error handler sends its message as is. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
