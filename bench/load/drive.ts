import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';

/** One request of a route's cycle; `check` names what is wrong with a response, or returns undefined. */
export interface RouteRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  check(status: number, body: string, headers: IncomingHttpHeaders): string | undefined;
}

export interface RouteLoad {
  name: string;
  token: string;
  /** each connection sends these in turn, round and round */
  requests: RouteRequest[];
}

export interface RouteFigures {
  route: string;
  connections: number;
  durationS: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  reqPerS: number;
  s2xx: number;
  s5xx: number;
  non2xx: number;
  /** socket errors and timeouts: requests that got no response at all */
  errors: number;
  /** responses whose status, type or body was not what the route promises */
  malformed: number;
  /** the first few problems, for the report */
  problems: string[];
}

export interface DriveOptions {
  connections: number;
  /** seconds; or, with `amount`, a fixed number of requests instead (every one answered before it returns) */
  durationS: number;
  amount?: number;
}

/** autocannon on one route: latency percentiles, throughput, status classes, and every response checked. */
export async function driveRoute(url: string, load: RouteLoad, options: DriveOptions): Promise<RouteFigures> {
  let malformed = 0;
  const problems: string[] = [];
  const headers = { authorization: `Bearer ${load.token}` };
  const result = await autocannon({
    url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationS }),
    timeout: 30,
    headers,
    requests: load.requests.map((r) => ({
      method: r.method,
      path: r.path,
      ...(r.body === undefined ? {} : { body: r.body, headers: { ...headers, 'content-type': 'application/json' } }),
      onResponse: (status: number, body: string, _context: object, responseHeaders: IncomingHttpHeaders | undefined) => {
        const problem = r.check(status, body, responseHeaders ?? {});
        if (problem === undefined) return;
        malformed++;
        if (problems.length < 5) problems.push(`${r.method} ${r.path} → ${status}: ${problem}`);
      },
    })),
  });
  return {
    route: load.name,
    connections: options.connections,
    durationS: result.duration,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    reqPerS: result.requests.total / result.duration,
    s2xx: result['2xx'],
    s5xx: result['5xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    malformed,
    problems,
  };
}
