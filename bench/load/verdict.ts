import type { LoadReport } from './run-load.js';

/**
 * Memory is flat when the API process, after a full GC, grew by no more than this over all the
 * routes (warm-up excluded: the tile and level caches of src/slide/deep-zoom.ts fill there, by
 * design, up to 160 MiB). Heap is what a leak would grow; RSS also moves with the allocator.
 */
export const HEAP_GROWTH_BOUND_MIB = 16;
export const RSS_GROWTH_BOUND_MIB = 64;

export function loadVerdict(report: LoadReport): { ok: boolean; failures: string[] } {
  const failures: string[] = [];
  for (const r of report.routes) {
    if (r.s5xx > 0) failures.push(`${r.route}: ${r.s5xx} 5xx answers`);
    if (r.errors > 0) failures.push(`${r.route}: ${r.errors} requests without an answer (socket errors or timeouts)`);
    if (r.malformed > 0) failures.push(`${r.route}: ${r.malformed} malformed answers`);
  }
  const s = report.submissions;
  if (s.lost > 0) failures.push(`${s.lost} acknowledged submissions lost`);
  if (s.incompleteUnacknowledged > 0) failures.push(`${s.incompleteUnacknowledged} half-stored batches`);
  if (s.orphanJobs > 0) failures.push(`${s.orphanJobs} queued jobs for no stored batch`);
  const mib = (b: number) => b / 1024 / 1024;
  const heap = mib(report.memory.after.heapUsedBytes - report.memory.before.heapUsedBytes);
  const rss = mib(report.memory.after.rssBytes - report.memory.before.rssBytes);
  if (heap > HEAP_GROWTH_BOUND_MIB) failures.push(`API heap grew ${heap.toFixed(1)} MiB after GC (bound ${HEAP_GROWTH_BOUND_MIB})`);
  if (rss > RSS_GROWTH_BOUND_MIB) failures.push(`API RSS grew ${rss.toFixed(1)} MiB after GC (bound ${RSS_GROWTH_BOUND_MIB})`);
  return { ok: failures.length === 0, failures };
}
