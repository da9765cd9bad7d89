// npx tsx bench/soak/faults.ts — issue 14 part 2, faults in service mode: each fault drill
// (bench/soak/fault-drills/, the same drills test/service/faults.test.ts asserts on) with its
// outcome, time to recover, whether the batch completed with embedded mode's scores, and the jobs
// left in the queues. Runs on a Redis and a PostgreSQL of its own (needs redis-server and the
// PostgreSQL server binaries; the disk-full drill mounts a tmpfs, so root).
import { apiRestartDrill } from './fault-drills/api-restart.js';
import { midBatch, type DrillResult } from './fault-drills/drill-result.js';
import { openDrillWorld, type DrillWorld } from './fault-drills/drill-world.js';
import { serverRestartDrill } from './fault-drills/server-restart.js';
import { uploadDiskFullDrill } from './fault-drills/upload-disk-full.js';
import { workerSignalDrill } from './fault-drills/worker-signal.js';
import { runWhenMain, type SoakRow, type SoakSection } from './section.js';

const DRILLS: { item: string; drill: (w: DrillWorld) => Promise<DrillResult>; extra?: (r: DrillResult) => { ok: boolean; note: string } }[] = [
  { item: 'Redis restarted mid-batch', drill: (w) => serverRestartDrill(w, 'redis') },
  { item: 'PostgreSQL restarted mid-batch', drill: (w) => serverRestartDrill(w, 'postgres') },
  { item: 'Redis restarted empty mid-batch (no persistence)', drill: (w) => serverRestartDrill(w, 'redis-empty') },
  {
    item: 'worker SIGTERM mid tile job',
    drill: (w) => workerSignalDrill(w, 'SIGTERM'),
    extra: (r) => {
      const s = r as Awaited<ReturnType<typeof workerSignalDrill>>;
      const drained = s.exitCode === 0 && s.held.length > 0 && s.held.every((j) => j.state === 'completed' && j.finishedByVictim && j.stalledCounter === 0);
      return { ok: drained, note: `exit ${s.exitCode}, ${s.held.length} job(s) in hand finished by it` };
    },
  },
  {
    item: 'worker SIGKILL mid tile job',
    drill: (w) => workerSignalDrill(w, 'SIGKILL'),
    extra: (r) => {
      const s = r as Awaited<ReturnType<typeof workerSignalDrill>>;
      const taken = s.held.length > 0 && s.held.every((j) => j.state === 'completed' && !j.finishedByVictim);
      return { ok: taken, note: `${s.held.length} job(s) taken over` };
    },
  },
  {
    item: 'upload disk full (ENOSPC)',
    drill: uploadDiskFullDrill,
    extra: (r) => {
      const s = r as Awaited<ReturnType<typeof uploadDiskFullDrill>>;
      const rows = Object.values(s.leftRows).reduce((a, b) => a + b, 0);
      return { ok: s.refused.status === 507 && s.leftFiles === 0 && rows === 0, note: `${s.refused.status} "${s.refused.message.split(':')[0]}", ${s.leftFiles} files and ${rows} rows left` };
    },
  },
  {
    item: 'API restarted under an SSE client',
    drill: apiRestartDrill,
    extra: (r) => {
      const s = r as Awaited<ReturnType<typeof apiRestartDrill>>;
      return { ok: s.monotone && s.final.status === 'done', note: `client resumed after ${s.downS.toFixed(1)} s without an API, ${s.seen.length} states seen, ended ${s.final.status}` };
    },
  },
];

export async function run(): Promise<SoakSection> {
  const rows: SoakRow[] = [];
  const world = await openDrillWorld();
  try {
    for (const { item, drill, extra } of DRILLS) {
      try {
        const r = await drill(world);
        const more = extra?.(r) ?? { ok: true, note: '' };
        // the disk filled before any analysis: it has no mid-batch moment
        const struck = item.startsWith('upload') || midBatch(r);
        const ok = struck && r.complete && r.identical && r.jobsLeft === 0 && more.ok;
        const outcome = [
          r.complete ? 'complete' : `ended ${r.batch.status}`,
          r.identical ? 'scores identical' : `scores differ (${r.mismatches.join('; ')})`,
          more.note,
        ].filter(Boolean).join(', ');
        rows.push({
          item,
          outcome,
          figures: {
            recoverS: Number(r.recoverS.toFixed(2)),
            recoverMeans: r.recoverMeans,
            tilesAtFault: `${r.tilesAtFault}/${r.tilesTotal}`,
            complete: r.complete ? 'yes' : 'no',
            identical: r.identical ? 'yes' : 'no',
            stalledJobsLeft: r.jobsLeft,
            stallRecoveries: r.stalls,
          },
          ok,
        });
      } catch (err) {
        rows.push({ item, outcome: `drill failed: ${(err as Error).message.split('\n')[0]}`, ok: false });
      }
    }
  } finally {
    await world.close();
  }
  return { title: 'Faults in service mode (2 worker processes, own Redis and PostgreSQL)', rows };
}

await runWhenMain(import.meta.url, run);
