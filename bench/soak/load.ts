// Issue 14 part 4 in `npm run soak`: the API under load (bench/load/run-load.ts), one row per
// route, one for the API's memory over the whole run, and one for SIGTERM to the API under POST
// load (bench/load/shutdown-under-load.ts). LOAD_CONNECTIONS (100), LOAD_DURATION_S
// (30), LOAD_WARMUP_S (3) as for bench/load.ts. Alone: npx tsx bench/soak/load.ts
import { loadOptionsFromEnv, runLoad } from '../load/run-load.js';
import { shutdownUnderLoad } from '../load/shutdown-under-load.js';
import { HEAP_GROWTH_BOUND_MIB, loadVerdict, RSS_GROWTH_BOUND_MIB } from '../load/verdict.js';
import { runWhenMain, type SoakRow, type SoakSection } from './section.js';

const MiB = 1024 * 1024;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(round(v))}`;

export async function run(): Promise<SoakSection> {
  const options = loadOptionsFromEnv();
  const report = await runLoad(options);
  const s = report.submissions;
  const rows: SoakRow[] = report.routes.map((r) => {
    const post = r.route.startsWith('POST');
    const lost = post ? s.lost + s.incompleteUnacknowledged + s.orphanJobs : 0;
    return {
      item: `${r.route}, ${r.connections} conns × ${round(r.durationS, 0)} s`,
      outcome: `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${round(r.reqPerS, 0)} req/s, ${r.s5xx} 5xx${post ? `, ${lost} lost of ${s.acknowledged} acknowledged` : ''}`,
      figures: {
        requests: r.requests,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        reqPerS: round(r.reqPerS),
        s5xx: r.s5xx,
        non2xx: r.non2xx,
        noAnswer: r.errors,
        malformed: r.malformed,
        ...(post ? { lostSubmissions: lost, acknowledged: s.acknowledged, stored: s.stored, queuedPlanJobs: s.queuedJobs } : {}),
        rssGrowthMiB: round(r.rssGrowthMiB),
        heapGrowthMiB: round(r.heapGrowthMiB),
      },
      ok: r.s5xx === 0 && r.errors === 0 && r.malformed === 0 && lost === 0 && r.rssGrowthMiB <= RSS_GROWTH_BOUND_MIB && r.heapGrowthMiB <= HEAP_GROWTH_BOUND_MIB,
    };
  });
  const m = report.memory;
  const rss = (m.after.rssBytes - m.before.rssBytes) / MiB;
  const heap = (m.after.heapUsedBytes - m.before.heapUsedBytes) / MiB;
  const verdict = loadVerdict(report);
  rows.push({
    item: 'API memory over every route (after GC)',
    outcome: `RSS ${round(m.before.rssBytes / MiB, 0)} → ${round(m.after.rssBytes / MiB, 0)} MiB (${signed(rss)}, bound +${RSS_GROWTH_BOUND_MIB}), heap ${signed(heap)} MiB (bound +${HEAP_GROWTH_BOUND_MIB})`,
    figures: { rssBeforeMiB: round(m.before.rssBytes / MiB), rssAfterMiB: round(m.after.rssBytes / MiB), rssAfterNoGcMiB: round(m.afterNoGc.rssBytes / MiB), rssGrowthMiB: round(rss), heapGrowthMiB: round(heap) },
    ok: rss <= RSS_GROWTH_BOUND_MIB && heap <= HEAP_GROWTH_BOUND_MIB,
  });
  if (!verdict.ok && rows.every((r) => r.ok)) rows.push({ item: 'load verdict', outcome: verdict.failures.join('; '), ok: false });
  const down = await shutdownUnderLoad(options.connections);
  const d = down.submissions;
  const lostOnStop = d.lost + d.incompleteUnacknowledged + d.orphanJobs;
  rows.push({
    item: `SIGTERM to the API under POST /batches, ${options.connections} conns`,
    outcome: `drained in ${round(down.drainMs / 1000, 2)} s; ${lostOnStop} lost or half-stored of ${d.stored} stored batches (${d.acknowledged} acknowledged); ${down.load.s5xx} 503 while closing`,
    figures: { drainMs: Math.round(down.drainMs), acknowledged: d.acknowledged, stored: d.stored, lostOrHalfStored: lostOnStop, s503WhileClosing: down.load.s5xx, refusedAfterExit: down.load.errors },
    ok: lostOnStop === 0,
  });
  return { title: `API under load (${options.connections} connections, ${options.durationS} s per route, serve in its own process on PostgreSQL + Redis)`, rows };
}

await runWhenMain(import.meta.url, run);
