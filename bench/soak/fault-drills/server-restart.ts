// Redis or PostgreSQL stopped mid-batch and started again a second later: the workers and the
// service lose every connection, get them back, and the batch ends as embedded mode scores it.
import type { DrillResult } from './drill-result.js';
import { finished, submitDrillBatch, tilesDone, verdict, waitFor, type DrillWorld } from './drill-world.js';

/** how long the server stays down */
const DOWN_MS = 1000;

export async function serverRestartDrill(world: DrillWorld, which: 'redis' | 'postgres'): Promise<DrillResult> {
  const server = which === 'redis' ? world.redis : world.postgres;
  await world.ensureWorkers(2);
  const batchId = await submitDrillBatch(world, `${which}-restart`);
  const atFault = await waitFor(world, batchId, 90_000, (b) => tilesDone(b) >= 1 || finished(b));
  await server.restart(DOWN_MS);
  const upAt = performance.now();
  const atUp = tilesDone(await waitFor(world, batchId, 30_000, () => true));
  await waitFor(world, batchId, 90_000, (b) => tilesDone(b) > atUp || finished(b));
  const recoverS = (performance.now() - upAt) / 1000;
  const v = await verdict(world, batchId, 120_000);
  return {
    fault: `${which === 'redis' ? 'Redis' : 'PostgreSQL'} restarted mid-batch (${DOWN_MS / 1000} s down)`,
    tilesAtFault: tilesDone(atFault),
    tilesTotal: v.batch.slides.reduce((n, s) => n + s.tilesTotal, 0),
    recoverS,
    recoverMeans: 'server back up → next tile saved',
    ...v,
  };
}
