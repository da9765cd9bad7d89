import { ApiClientError } from '../errors/index.js';

export interface ApiTarget {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  token: string;
}

/** --url, else BQ_URL, else the serve default; --token, else BQ_TOKEN. */
export function apiTarget(o: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): ApiTarget {
  const url = (o.url ?? env.BQ_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = o.token ?? env.BQ_TOKEN;
  if (!token) throw new ApiClientError('no API token: pass --token or set BQ_TOKEN');
  if (!/^https?:\/\//.test(url)) throw new ApiClientError(`--url must start with http:// or https:// (got "${url}")`);
  return { url, token };
}

/** Sends a request with the token; a non-2xx answer becomes an ApiClientError with the server's message. */
export async function apiFetch(target: ApiTarget, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${target.token}`);
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, { ...init, headers });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ApiClientError(`cannot reach ${target.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new ApiClientError(`${init.method ?? 'GET'} ${path}: ${res.status} ${message}`, res.status);
  }
  return res;
}

export async function apiJson<T>(target: ApiTarget, path: string, init: RequestInit = {}): Promise<T> {
  return (await (await apiFetch(target, path, init)).json()) as T;
}
