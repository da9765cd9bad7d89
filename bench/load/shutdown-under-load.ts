import { creatorOf } from '../../src/api/auth.js';
import { auditSubmissions, type SubmissionAudit } from './count-submissions.js';
import { driveRoute, type RouteFigures } from './drive.js';
import { SLIDES_PER_BATCH, submitRoute } from './routes.js';
import { openLoadWorld } from './world.js';

export interface ShutdownFigures {
  /** the load while SIGTERM arrived; after it, refusals and 503s are expected, lost batches are not */
  load: RouteFigures;
  /** SIGTERM to exit of the API process */
  drainMs: number;
  submissions: SubmissionAudit;
}

/**
 * `serve` gets SIGTERM in the middle of POST /batches at `connections` connections: it stops
 * taking requests (503 while closing, then refused) and finishes the ones it holds before it
 * closes the store and queue. Every acknowledged batch must then be whole in the store with its
 * jobs queued, and no batch half stored (slides without jobs, which no worker would ever run).
 */
export async function shutdownUnderLoad(connections: number, durationS = 6): Promise<ShutdownFigures> {
  const world = await openLoadWorld({ scoreRows: 1, slide: { width: 600, height: 520 } });
  try {
    const acknowledged: number[] = [];
    const load = driveRoute(world.server.url, submitRoute(world, acknowledged), { connections, durationS });
    await new Promise((r) => setTimeout(r, (durationS * 1000) / 2));
    const t0 = performance.now();
    await world.server.stop();
    const drainMs = performance.now() - t0;
    const figures = await load;
    const submissions = await auditSubmissions(world.harness.service, creatorOf({ tokenId: world.submitterId, role: 'submitter' }), acknowledged, SLIDES_PER_BATCH);
    return { load: figures, drainMs, submissions };
  } finally {
    await world.close();
  }
}
