// Redis or PostgreSQL stopped mid-batch and started again a second later: the workers and the
// service lose every connection, get them back, and the batch ends as embedded mode scores it.
// 'redis-empty': Redis comes back without its data (no persistence), every job of the batch gone;
// the workers' lost-job check (src/service/requeue-lost.ts) queues the slides again.
import { planJobId } from '../../../src/queue/names.js';
import type { DrillResult } from './drill-result.js';
import { finished, submitDrillBatch, tilesDone, verdict, waitFor, type DrillWorld } from './drill-world.js';

/** how long the server stays down */
const DOWN_MS = 1000;

export type RestartedServer = 'redis' | 'redis-empty' | 'postgres';

const NAMES: Record<RestartedServer, string> = { redis: 'Redis', 'redis-empty': 'Redis (no persistence: comes back empty)', postgres: 'PostgreSQL' };

export interface RestartResult extends DrillResult {
  /** slides of the batch whose plan job is in Redis at the end (after an empty restart: queued again) */
  requeued: number;
}

export async function serverRestartDrill(world: DrillWorld, which: RestartedServer): Promise<RestartResult> {
  await world.ensureWorkers(2);
  const batchId = await submitDrillBatch(world, `${which}-restart`);
  const atFault = await waitFor(world, batchId, 90_000, (b) => tilesDone(b) >= 1 || finished(b));
  if (which === 'redis') await world.redis.restart(DOWN_MS);
  else if (which === 'redis-empty') await world.redis.restartEmpty(DOWN_MS);
  else await world.postgres.restart(DOWN_MS);
  const upAt = performance.now();
  const atUp = tilesDone(await waitFor(world, batchId, 30_000, () => true));
  // moving again: a tile saved (or, the jobs lost, the slide's analysis begun again from 0)
  await waitFor(world, batchId, 90_000, (b) => tilesDone(b) !== atUp || finished(b));
  const recoverS = (performance.now() - upAt) / 1000;
  const v = await verdict(world, batchId, 120_000);
  // the batch's plan jobs now in Redis: after an empty restart only a re-queue can have put them there
  let requeued = 0;
  for (const s of v.batch.slides) if (await world.h.service.queues.slides.getJob(planJobId(s.id))) requeued++;
  return {
    fault: `${NAMES[which]} restarted mid-batch (${DOWN_MS / 1000} s down)`,
    tilesAtFault: tilesDone(atFault),
    tilesTotal: v.batch.slides.reduce((n, s) => n + s.tilesTotal, 0),
    recoverS,
    recoverMeans: which === 'redis-empty' ? 'server back up → the slides planned again' : 'server back up → next tile saved',
    requeued,
    ...v,
  };
}
