// A worker process signalled in the middle of a tile job. SIGTERM: it drains, i.e. finishes the
// jobs in hand, takes no more, and exits 0; nothing is left stalled. SIGKILL: its jobs lapse and
// the other worker takes them over (the stalled-job check). Either way the batch ends complete.
import type { ChildProcess } from 'node:child_process';
import type { TileProgress } from '../../../workers/tile-batch.worker.js';
import type { DrillResult } from './drill-result.js';
import { finished, submitDrillBatch, tilesDone, verdict, waitFor, type DrillWorld } from './drill-world.js';

export interface WorkerSignalResult extends DrillResult {
  signal: 'SIGTERM' | 'SIGKILL';
  /** the signalled worker's exit code (null when a signal ended it) */
  exitCode: number | null;
  /** tile jobs it held when signalled, and who completed each in the end */
  held: { id: string; state: string; finishedByVictim: boolean; stalledCounter: number }[];
}

export async function workerSignalDrill(world: DrillWorld, signal: 'SIGTERM' | 'SIGKILL'): Promise<WorkerSignalResult> {
  const { h } = world;
  await world.ensureWorkers(2);
  const batchId = await submitDrillBatch(world, `worker-${signal.toLowerCase()}`);
  await waitFor(world, batchId, 90_000, (b) => tilesDone(b) >= 1 || finished(b));
  // a worker in the middle of a tile job: the job's own progress shows a tile done and more to come
  let victim: ChildProcess | undefined;
  let heldIds: string[] = [];
  const end = Date.now() + 30_000;
  while (!victim && Date.now() < end) {
    const active = await h.service.queues.tiles.getActive();
    const midway = active.find((j) => {
      const p = j.progress as Partial<TileProgress>;
      return p?.tilesDone !== undefined && p.tilesDone >= 1 && p.tilesDone < p.tilesTotal!;
    });
    victim = midway && h.workers.find((w) => midway.processedBy?.endsWith(`:${w.pid}`));
    if (victim) {
      victim.kill(signal);
      heldIds = active.filter((j) => j.processedBy?.endsWith(`:${victim!.pid}`)).map((j) => j.id!);
    } else await new Promise((r) => setTimeout(r, 10));
  }
  if (!victim) throw new Error('no worker was caught in the middle of a tile job in 30 s');
  const signalledAt = performance.now();
  const atFault = await waitFor(world, batchId, 30_000, () => true);
  const dead = victim;
  const exitCode = await new Promise<number | null>((resolve) => {
    if (dead.exitCode !== null || dead.signalCode !== null) resolve(dead.exitCode);
    else dead.once('exit', (code) => resolve(code));
  });
  const exitedS = (performance.now() - signalledAt) / 1000;
  // SIGKILL: recovered once every job it held is completed by someone else
  let recoverS = exitedS;
  if (signal === 'SIGKILL') {
    const until = Date.now() + 60_000;
    for (;;) {
      const states = await Promise.all(heldIds.map(async (id) => (await h.service.queues.tiles.getJob(id))?.getState()));
      if (states.every((s) => s === 'completed')) break;
      if (Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    recoverS = (performance.now() - signalledAt) / 1000;
  }
  const v = await verdict(world, batchId, 120_000);
  const held = [];
  for (const id of heldIds) {
    const job = await h.service.queues.tiles.getJob(id);
    held.push({
      id,
      state: job ? await job.getState() : 'gone',
      finishedByVictim: !!job?.processedBy?.endsWith(`:${dead.pid}`),
      stalledCounter: job?.stalledCounter ?? 0,
    });
  }
  return {
    fault: `worker ${signal} mid tile job`,
    signal,
    exitCode,
    held,
    tilesAtFault: tilesDone(atFault),
    tilesTotal: v.batch.slides.reduce((n, s) => n + s.tilesTotal, 0),
    recoverS,
    recoverMeans: signal === 'SIGTERM' ? 'signal → worker exited, its jobs finished' : "kill → the dead worker's jobs completed by the other",
    ...v,
  };
}
