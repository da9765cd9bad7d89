// The API as the viewer calls it: a bearer token on every request, a JSON body where there is
// one, and a failure as an ApiError carrying the HTTP status, so callers can tell a stale edit
// (409) or a missing role (403) from any other failure.

export class ApiError extends Error {
  constructor(path, status, message) {
    super(`${path}: ${status} ${message}`);
    this.name = 'ApiError';
    this.path = path;
    this.status = status;
    /** the server's own words (the problem body's message), without the path and status */
    this.detail = message;
  }
}

/** `as`: 'json' (default) or 'text'; `body`: sent as JSON. A 401 forgets the stored token. */
export async function request(token, path, { method = 'GET', body, as = 'json' } = {}) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = (await res.json()).message ?? message;
    } catch {
      // not a JSON problem body; the status text says enough
    }
    if (res.status === 401) sessionStorage.removeItem('bq-token');
    throw new ApiError(path, res.status, message);
  }
  return as === 'text' ? res.text() : res.json();
}
