import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TileBatchJob } from '../../src/domain/job.js';
import type { TileSpec } from '../../src/domain/detection.js';
import { resolveParams } from '../../src/domain/params.js';
import { buildSlideFlow, planSlideFlow, slideFlow } from '../../src/queue/flow.js';
import { redisConnection } from '../../src/queue/connection.js';
import { SLIDES_QUEUE, TILES_QUEUE } from '../../src/queue/names.js';
import { openQueues, type Queues } from '../../src/queue/queues.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { countKeys, deleteKeys, TEST_REDIS_URL } from '../../src/service/local-cluster.js';

const params = resolveParams({ tileSize: 256 });
const tileSpec = (id: number): TileSpec => ({
  id,
  read: { x0: id * 256, y0: 0, x1: id * 256 + 300, y1: 300 },
  core: { x0: id * 256, y0: 0, x1: id * 256 + 256, y1: 256 },
});
const batch = (ids: number[]): TileBatchJob => ({ slidePath: '/s/a.tif', level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, params, tiles: ids.map(tileSpec) });
const aggregate = { batchSlideId: 11, analysisId: 4, runStartedMs: 1_700_000_000_000, slidePath: '/s/a.tif', metadata: {}, params, level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, tileCount: 5 };
// tile ids are grid positions, not 0..n-1
const jobs = [batch([0, 2]), batch([3, 5]), batch([8])];

describe('slideFlow', () => {
  it('is one aggregate-slide parent on SLIDES over one analyse-tiles child per batch on TILES', () => {
    const flow = slideFlow({ aggregate, jobs });
    expect([flow.name, flow.queueName, flow.opts?.jobId]).toEqual(['aggregate-slide', 'slides', 'aggregate-a4-t1700000000000']);
    expect(flow.data).toEqual(aggregate);
    expect(flow.children?.map((c) => [c.name, c.queueName, c.opts?.jobId, c.opts?.failParentOnFailure, c.opts?.attempts])).toEqual([
      ['analyse-tiles', 'tiles', 'tiles-a4-t1700000000000-0', true, 5],
      ['analyse-tiles', 'tiles', 'tiles-a4-t1700000000000-3', true, 5],
      ['analyse-tiles', 'tiles', 'tiles-a4-t1700000000000-8', true, 5],
    ]);
    expect(flow.children?.[1].data).toMatchObject({ analysisId: 4, batchSlideId: 11, tiles: [tileSpec(3), tileSpec(5)] });
  });

  it('refuses a flow whose batches do not hold the planned tiles', () => {
    expect(() => slideFlow({ aggregate: { ...aggregate, tileCount: 6 }, jobs })).toThrow('slide flow for /s/a.tif: the batches hold 5 tiles, the plan 6');
    expect(() => slideFlow({ aggregate, jobs: [] })).toThrow(/no tile batches/);
    expect(() => slideFlow({ aggregate: { ...aggregate, analysisId: -1 }, jobs })).toThrow();
  });
});

describe('flows in Redis', () => {
  const prefix = `bqtest-flow-${process.pid}-${randomBytes(3).toString('hex')}`;
  let queues: Queues;
  beforeAll(() => {
    queues = openQueues({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix });
  });
  afterAll(async () => {
    await queues?.close();
    await deleteKeys(prefix);
    expect(await countKeys(prefix)).toBe(0);
  });

  it('adds the parent waiting for its children, and adding the same analysis run again (another batch, a retried plan) adds nothing', async () => {
    const node = await buildSlideFlow(queues.flows, { aggregate, jobs });
    expect(node.job.id).toBe('aggregate-a4-t1700000000000');
    expect(await node.job.getState()).toBe('waiting-children');
    expect(await queues.tiles.getJobCounts('waiting')).toEqual({ waiting: 3 });
    const deps = await node.job.getDependenciesCount();
    expect(deps.unprocessed).toBe(3);
    const child = await queues.tiles.getJob('tiles-a4-t1700000000000-3');
    expect(child?.parentKey).toBe(`${prefix}:slides:aggregate-a4-t1700000000000`);
    expect(child?.data.tiles.map((t: TileSpec) => t.id)).toEqual([3, 5]);

    await buildSlideFlow(queues.flows, { aggregate: { ...aggregate, batchSlideId: 12 }, jobs });
    expect(await queues.tiles.getJobCounts('waiting')).toEqual({ waiting: 3 });
    expect(await queues.slides.getJobCounts('waiting-children')).toEqual({ 'waiting-children': 1 });
  });

  it('a tile batch that fails for good fails its slide\'s parent', async () => {
    const node = await buildSlideFlow(queues.flows, { aggregate: { ...aggregate, batchSlideId: 13, analysisId: 13 }, jobs });
    const connection = redisConnection(TEST_REDIS_URL);
    const failedChild = new Promise<string | undefined>((resolve) => {
      const worker = new Worker(
        TILES_QUEUE,
        async (job) => {
          if (job.data.batchSlideId !== 13) return null;
          if (job.data.tiles[0].id === 3) throw new UnrecoverableError('corrupt tile');
          return { tiles: job.data.tiles.length };
        },
        { connection, prefix },
      );
      worker.on('failed', (job) => {
        if (job?.data.batchSlideId === 13) void worker.close().then(() => resolve(job.id));
      });
    });
    expect(await failedChild).toBe('tiles-a13-t1700000000000-3');
    // BullMQ moves the parent to wait with a deferred failure; the slide worker that takes it
    // fails it without running the aggregate processor
    let aggregated = 0;
    const parentFailed = new Promise<string>((resolve) => {
      const slides = new Worker(
        SLIDES_QUEUE,
        async (job) => {
          if (job.id === 'aggregate-a13-t1700000000000') aggregated++;
        },
        { connection, prefix },
      );
      slides.on('failed', (job, err) => {
        if (job?.id === 'aggregate-a13-t1700000000000') void slides.close().then(() => resolve(err.message));
      });
    });
    expect(await parentFailed).toBe(`child ${prefix}:tiles:tiles-a13-t1700000000000-3 failed`);
    expect(await node.job.getState()).toBe('failed');
    expect(aggregated).toBe(0);
    await connection.quit();
  });

  it('a plan job is one per batch slide', async () => {
    const plan = { batchSlideId: 12, slidePath: '/s/b.tif', metadata: { patient: 'P9' }, params };
    await queues.flows.add(planSlideFlow(plan));
    await queues.flows.add(planSlideFlow(plan));
    expect((await queues.slides.getJobs(['waiting'])).filter((j) => j.name === 'plan-slide')).toHaveLength(1);
    const job = await queues.slides.getJob('plan-12');
    expect([job?.name, job?.data]).toEqual(['plan-slide', plan]);
    expect(job?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
  });
});
