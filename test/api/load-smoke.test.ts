import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions, type LoadReport } from '../../bench/load/run-load.js';
import { SLIDES_PER_BATCH } from '../../bench/load/routes.js';

/**
 * The load bench (bench/load.ts) as a bounded smoke run: `serve` in its own process on PostgreSQL
 * and Redis, 20 connections × 2 s on each read route and 200 submissions, every response checked
 * against the route's schema and known content. The figures (latency, throughput, memory) are the
 * bench's to print; here only the invariants: no 5xx, no unanswered or malformed response, every
 * acknowledged submission a whole batch in the store with a plan job per slide on the queue.
 */
const options: LoadOptions = { connections: 20, durationS: 2, postAmount: 200, warmupS: 0, scoreRows: 6, readBatches: 5, slide: { width: 600, height: 520 } };

describe('the API under a short load', () => {
  let report: LoadReport;
  beforeAll(async () => {
    report = await runLoad(options);
  });
  afterAll(() => {
    // the run's own figures, for whoever reads the test log
    for (const r of report?.routes ?? []) console.log(`${r.route}: ${r.requests} requests, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.reqPerS.toFixed(0)} req/s`);
  });

  it('answers every request of every route with a 2xx and a well-formed body', () => {
    expect(report.routes.map((r) => r.route)).toEqual(['GET /scores', 'GET /batches/:id', 'GET /slides/:id/tiles (Deep Zoom)', 'POST /batches']);
    for (const r of report.routes) {
      expect(r.requests, r.route).toBeGreaterThan(20);
      expect(r.problems, r.route).toEqual([]);
      expect({ route: r.route, s5xx: r.s5xx, non2xx: r.non2xx, errors: r.errors, malformed: r.malformed, answered: r.s2xx }).toEqual({
        route: r.route,
        s5xx: 0,
        non2xx: 0,
        errors: 0,
        malformed: 0,
        answered: r.requests,
      });
    }
  });

  it('stores every acknowledged submission whole, with its jobs on the queue, and nothing else', () => {
    const post = report.routes[3];
    expect(post.requests).toBe(options.postAmount);
    const s = report.submissions;
    // the batches read before the load, then the counted run (no warm-up here)
    expect(s.acknowledged).toBe(options.readBatches + options.postAmount!);
    expect(s.problems).toEqual([]);
    expect(s).toMatchObject({ lost: 0, unacknowledged: 0, incompleteUnacknowledged: 0, orphanJobs: 0, stored: s.acknowledged, queuedJobs: s.acknowledged * SLIDES_PER_BATCH });
  });
});
