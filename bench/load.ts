// npx tsx bench/load.ts — the API under load (issue 14 part 4): GET /scores, GET /batches/:id,
// Deep Zoom tiles and POST /batches, one after another, each at LOAD_CONNECTIONS (100) concurrent
// connections for LOAD_DURATION_S (30) s, after LOAD_WARMUP_S (3) s of warm-up per route.
// The API is `serve` in a process of its own on PostgreSQL (a fresh schema) and Redis (its own
// prefix), no workers; autocannon drives it from this process, so the two never share an event
// loop (on a 2-core machine they still share the CPUs: the figures are a floor, not a ceiling).
// Prints p50/p99 latency, req/s, status classes, malformed answers, the API's RSS and heap growth
// (after a full GC in it) per route, and the submissions audit (every acknowledged batch in the
// store with its slides and queued jobs). Exits 1 when a 5xx, a lost submission, a malformed
// answer or memory growth beyond the bounds of bench/load/verdict.ts shows.
import Table from 'cli-table3';
import { loadOptionsFromEnv, runLoad } from './load/run-load.js';
import { loadVerdict } from './load/verdict.js';

const options = loadOptionsFromEnv();
console.log(
  `API under load: ${options.connections} connections × ${options.durationS} s per route (after ${options.warmupS} s warm-up), ` +
    `${options.scoreRows} score rows, ${options.readBatches} batches read; serve in its own process (PostgreSQL + Redis), autocannon here`,
);
const report = await runLoad(options);
const table = new Table({ head: ['route', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '2xx', '5xx', 'non-2xx', 'errors', 'malformed', 'RSS Δ MiB', 'heap Δ MiB'] });
for (const r of report.routes) {
  table.push([r.route, r.requests, r.reqPerS.toFixed(0), r.p50Ms, r.p99Ms, r.maxMs, r.s2xx, r.s5xx, r.non2xx, r.errors, r.malformed, r.rssGrowthMiB.toFixed(1), r.heapGrowthMiB.toFixed(1)]);
}
console.log(table.toString());
const s = report.submissions;
console.log(
  `submissions: ${s.acknowledged} acknowledged, ${s.stored} batches stored, ${s.lost} lost, ${s.unacknowledged} stored but cut off before their answer ` +
    `(${s.incompleteUnacknowledged} of them incomplete), ${s.queuedJobs} plan jobs waiting on the queue (${s.orphanJobs} for no stored batch)`,
);
const m = report.memory;
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
console.log(
  `API process ${report.apiPid}: RSS ${mib(m.before.rssBytes)} → ${mib(m.afterNoGc.rssBytes)} MiB (${mib(m.after.rssBytes)} after GC), ` +
    `heap ${mib(m.before.heapUsedBytes)} → ${mib(m.afterNoGc.heapUsedBytes)} MiB (${mib(m.after.heapUsedBytes)} after GC), external ${mib(m.before.externalBytes)} → ${mib(m.after.externalBytes)} MiB; before = after warm-up and GC`,
);
for (const p of [...report.routes.flatMap((r) => r.problems), ...s.problems]) console.log(`  problem: ${p}`);
const verdict = loadVerdict(report);
for (const f of verdict.failures) console.log(`FAIL ${f}`);
process.exitCode = verdict.ok ? 0 : 1;
