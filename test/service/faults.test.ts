// Issue 14 part 2: faults in service mode, each drill a batch of one slide (16 tiles, 3 to a job)
// on a Redis and a PostgreSQL of this file's own (restarted here; the shared ones never are) with
// two worker processes. Every batch must end complete with embedded mode's scores and nothing left
// in the queues. The figures (time to recover) are printed here and by bench/soak/faults.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRestartDrill } from '../../bench/soak/fault-drills/api-restart.js';
import { midBatch, type DrillResult } from '../../bench/soak/fault-drills/drill-result.js';
import { openDrillWorld, type DrillWorld } from '../../bench/soak/fault-drills/drill-world.js';
import { serverRestartDrill } from '../../bench/soak/fault-drills/server-restart.js';
import { uploadDiskFullDrill } from '../../bench/soak/fault-drills/upload-disk-full.js';
import { workerSignalDrill } from '../../bench/soak/fault-drills/worker-signal.js';
import { countKeys } from '../../src/service/local-cluster.js';

let world: DrillWorld;
beforeAll(async () => {
  world = await openDrillWorld();
});
afterAll(async () => {
  const prefix = world?.h.prefix;
  await world?.h.cleanup();
  if (prefix) expect(await countKeys(prefix, world.redis.url)).toBe(0);
  await world?.close();
});

function expectComplete(r: DrillResult) {
  console.log(`${r.fault}: ${r.tilesAtFault}/${r.tilesTotal} tiles at the fault, recovered in ${r.recoverS.toFixed(2)} s (${r.recoverMeans}), ${r.stalls} stalls, ${r.jobsLeft} jobs left`);
  expect(r.batch.status, JSON.stringify(r.batch.slides)).toBe('done');
  expect(r.complete).toBe(true);
  expect(r.tilesTotal).toBe(16 * r.batch.slides.length);
  expect(r.mismatches).toEqual([]);
  expect(r.identical).toBe(true);
  expect(r.jobsLeft).toBe(0);
}

describe('Redis or PostgreSQL restarted mid-batch', () => {
  for (const which of ['redis', 'postgres', 'redis-empty'] as const) {
    it(`${which}: the batch goes on once it is back, scores as embedded mode`, async () => {
      const r = await serverRestartDrill(world, which);
      expect(midBatch(r), `${r.tilesAtFault}/${r.tilesTotal}`).toBe(true);
      expectComplete(r);
      // Redis came back empty: the plan jobs there now were queued again by the workers' check
      if (which === 'redis-empty') expect(r.requeued).toBe(r.batch.slides.length);
    });
  }
});

describe('a worker signalled in the middle of a tile job', () => {
  it('SIGTERM: the worker drains (finishes its jobs, exits 0), nothing stalls', async () => {
    const r = await workerSignalDrill(world, 'SIGTERM');
    expect(midBatch(r), `${r.tilesAtFault}/${r.tilesTotal}`).toBe(true);
    expectComplete(r);
    expect(r.exitCode).toBe(0);
    expect(r.held.length).toBeGreaterThan(0);
    // finished by the worker that had them, not taken back from it
    expect(r.held.map((j) => [j.state, j.finishedByVictim, j.stalledCounter])).toEqual(r.held.map(() => ['completed', true, 0]));
  });
  // SIGKILL is asserted in service-mode.test.ts (a worker killed mid-slide); bench/soak/faults.ts times it too
});

it('the upload disk full mid-upload: 507 saying so, nothing kept; the same upload goes through once space is freed', async () => {
  const r = await uploadDiskFullDrill(world);
  expect(r.refused.status).toBe(507);
  expect(r.refused.message).toMatch(/^the upload disk is full: nothing of this upload was kept/);
  expect(r.refused.message).not.toContain('/');
  expect(r.leftFiles).toBe(0);
  expect(r.leftRows).toEqual({ batches: 0, batchSlides: 0, slides: 0, analyses: 0 });
  expect(r.accepted.status).toBe(201);
  expectComplete(r);
});

it('the API restarted while a client follows progress: the client resumes and follows the batch to its end', async () => {
  const r = await apiRestartDrill(world);
  console.log(`API down ${r.downS.toFixed(1)} s (SIGTERM → the new one listening)`);
  expect(midBatch(r), `${r.tilesAtFault}/${r.tilesTotal}`).toBe(true);
  expectComplete(r);
  expect(r.apiExitCode).toBe(0);
  expect(r.final.status).toBe('done');
  expect(r.final.slides.map((s) => s.tilesDone)).toEqual(r.batch.slides.map((s) => s.tilesTotal));
  expect(r.monotone).toBe(true);
  // states seen before the restart and after it
  expect(r.seen.filter((s) => s.tilesDone <= r.tilesAtFault).length).toBeGreaterThan(0);
  expect(r.seen.at(-1)!.tilesDone).toBe(16);
});
