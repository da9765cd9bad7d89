import { creatorOf } from '../../src/api/auth.js';
import { auditSubmissions, settleSubmissions, type SubmissionAudit } from './count-submissions.js';
import { driveRoute, type RouteFigures, type RouteLoad } from './drive.js';
import { batchRoute, scoresRoute, SLIDES_PER_BATCH, submitBody, submitRoute, tileRoute } from './routes.js';
import type { ServerMemory } from './server-process.js';
import { openLoadWorld, type LoadWorld } from './world.js';

export interface LoadOptions {
  connections: number;
  durationS: number;
  /** POST /batches sends this many requests instead of running for durationS, so every one is answered (the smoke test's exact count) */
  postAmount?: number;
  /** seconds of load on every route before memory is first read: caches filled, code compiled (0: none) */
  warmupS: number;
  /** finished analyses GET /scores answers */
  scoreRows: number;
  /** batches GET /batches/:id cycles through */
  readBatches: number;
  /** the analysed slide's size in px (default 1000×900) */
  slide?: { width: number; height: number };
}

export interface RouteReport extends RouteFigures {
  /** the API process after this route, after a full GC, minus before it */
  rssGrowthMiB: number;
  heapGrowthMiB: number;
}

export interface LoadReport {
  options: LoadOptions;
  apiPid: number;
  routes: RouteReport[];
  submissions: SubmissionAudit;
  memory: { before: ServerMemory; afterNoGc: ServerMemory; after: ServerMemory };
}

const MiB = 1024 * 1024;

export function loadOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got "${v}"`);
    return n;
  };
  return {
    connections: Math.round(num('LOAD_CONNECTIONS', 100)),
    durationS: num('LOAD_DURATION_S', 30),
    warmupS: env.LOAD_WARMUP_S === '0' ? 0 : num('LOAD_WARMUP_S', 3),
    scoreRows: Math.round(num('LOAD_SCORE_ROWS', 40)),
    readBatches: Math.round(num('LOAD_READ_BATCHES', 20)),
  };
}

async function submitOne(world: LoadWorld): Promise<number> {
  const res = await fetch(`${world.server.url}/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.submitterToken}`, 'content-type': 'application/json' },
    body: submitBody(world),
  });
  if (res.status !== 201) throw new Error(`POST /batches before the load: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { batchId: number }).batchId;
}

/**
 * The API under load, route after route, in service-mode topology (world.ts): latency and
 * throughput per route, every response checked, the API process' memory after each route (after
 * a full GC), and every acknowledged submission looked for in the store and on the queue.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const world = await openLoadWorld({ scoreRows: options.scoreRows, slide: options.slide });
  try {
    const acknowledged: number[] = [];
    for (let i = 0; i < options.readBatches; i++) acknowledged.push(await submitOne(world));
    const routes: RouteLoad[] = [await scoresRoute(world), await batchRoute(world, [...acknowledged]), await tileRoute(world), submitRoute(world, acknowledged)];
    const url = world.server.url;

    // a warm-up POST is counted (fixed amount), so no batch of it is cut off unanswered
    for (const r of options.warmupS > 0 ? routes : []) {
      const amount = r === routes[3] ? options.connections * 2 : undefined;
      await driveRoute(url, r, { connections: options.connections, durationS: options.warmupS, amount });
    }
    const before = await world.server.memory(true);
    let last = before;
    let afterNoGc = before;
    const reports: RouteReport[] = [];
    for (const r of routes) {
      const amount = r === routes[3] ? options.postAmount : undefined;
      const figures = await driveRoute(url, r, { connections: options.connections, durationS: options.durationS, amount });
      afterNoGc = await world.server.memory(false);
      const now = await world.server.memory(true);
      reports.push({ ...figures, rssGrowthMiB: (now.rssBytes - last.rssBytes) / MiB, heapGrowthMiB: (now.heapUsedBytes - last.heapUsedBytes) / MiB });
      last = now;
    }
    const after = last;
    const creator = creatorOf({ tokenId: world.submitterId, role: 'submitter' });
    await settleSubmissions(world.harness.service, creator);
    const submissions = await auditSubmissions(world.harness.service, creator, acknowledged, SLIDES_PER_BATCH);
    return { options, apiPid: world.server.pid, routes: reports, submissions, memory: { before, afterNoGc, after } };
  } finally {
    await world.close();
  }
}
