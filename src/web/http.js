// The API as the pages (viewer, submission) call it: a bearer token on every request, a JSON body where there is
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

/**
 * The API token of this page: from the address (`#token=…`, then kept for the tab and taken out
 * of the address and its history), else the tab's kept one, else asked for naming `role`.
 */
export function readToken(role) {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    const token = decodeURIComponent(m[1]);
    sessionStorage.setItem('bq-token', token);
    // keep the token out of history and of anything that copies the address
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return sessionStorage.getItem('bq-token') || (globalThis.prompt(`API token (${role} role)`) ?? '').trim();
}
