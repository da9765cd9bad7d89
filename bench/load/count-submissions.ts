import { planJobId } from '../../src/queue/names.js';
import type { Service } from '../../src/service/open-service.js';

export interface SubmissionAudit {
  /** 2xx answers the client got */
  acknowledged: number;
  /** batches of this creator in the store */
  stored: number;
  /** acknowledged batches missing from the store, or stored without all their slides or without a queued job per slide */
  lost: number;
  /** stored batches whose answer never reached the client (requests cut when the run stopped): complete, merely unseen */
  unacknowledged: number;
  /** stored batches not acknowledged that are incomplete (a half-written batch) */
  incompleteUnacknowledged: number;
  /** plan jobs waiting on the queue */
  queuedJobs: number;
  /** waiting plan jobs for no stored batch slide (a job whose batch was never stored) */
  orphanJobs: number;
  problems: string[];
}

/**
 * Waits until the API has finished the submissions it had already received when the load stopped:
 * autocannon drops its sockets at the end, but the server still runs the requests it read (a
 * batch is stored, then its jobs queued), so counting at once would catch some half done.
 * Settled = the batch count and the queue's length unchanged over one second.
 */
export async function settleSubmissions(service: Service, createdBy: string, timeoutMs = 60_000): Promise<void> {
  const prefix = service.queues.prefix;
  const snapshot = async () => {
    const { rows } = await service.store.executor.query<{ n: string }>('SELECT count(*) AS n FROM batches WHERE created_by = $1', [createdBy]);
    return `${rows[0].n}/${await service.queues.connection.llen(`${prefix}:slides:wait`)}`;
  };
  const end = Date.now() + timeoutMs;
  let last = await snapshot();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await snapshot();
    if (now === last) return;
    if (Date.now() > end) throw new Error(`submissions still changing after ${timeoutMs} ms (${last} → ${now} batches/queued jobs)`);
    last = now;
  }
}

/**
 * Every acknowledged submission must be a batch in the store with its `slidesPerBatch` slides,
 * each with its plan job on the queue. Counted after the load, from the store and Redis directly.
 */
export async function auditSubmissions(service: Service, createdBy: string, acknowledged: readonly number[], slidesPerBatch: number): Promise<SubmissionAudit> {
  const { rows } = await service.store.executor.query<{ id: number; slide_ids: number[] }>(
    `SELECT b.id, coalesce(array_agg(bs.id ORDER BY bs.position) FILTER (WHERE bs.id IS NOT NULL), '{}') AS slide_ids
     FROM batches b LEFT JOIN batch_slides bs ON bs.batch_id = b.id
     WHERE b.created_by = $1 GROUP BY b.id`,
    [createdBy],
  );
  const stored = new Map(rows.map((r) => [Number(r.id), r.slide_ids.map(Number)]));
  const redis = service.queues.connection;
  const pipeline = redis.pipeline();
  const slideIds = [...stored.values()].flat();
  for (const id of slideIds) pipeline.hget(`${service.queues.prefix}:slides:${planJobId(id)}`, 'data');
  const jobData = ((await pipeline.exec()) ?? []).map(([err, v]) => (err ? null : (v as string | null)));
  const hasJob = new Map(slideIds.map((id, i) => [id, jobData[i] !== null && (JSON.parse(jobData[i]!) as { batchSlideId?: number }).batchSlideId === id]));
  const complete = (slides: number[] | undefined) => slides !== undefined && slides.length === slidesPerBatch && slides.every((s) => hasJob.get(s));

  const problems: string[] = [];
  const acked = new Set(acknowledged);
  // one batch acknowledged to two submissions: one of them has no batch of its own
  let lost = acknowledged.length - acked.size;
  if (lost > 0) problems.push(`${lost} batch ids acknowledged twice`);
  for (const id of acked) {
    if (complete(stored.get(id))) continue;
    lost++;
    if (problems.length < 5) problems.push(stored.has(id) ? `batch ${id}: ${stored.get(id)!.length} slides stored, not all with a queued job` : `batch ${id}: acknowledged, not in the store`);
  }
  let unacknowledged = 0;
  let incompleteUnacknowledged = 0;
  for (const [id, slides] of stored) {
    if (acked.has(id)) continue;
    unacknowledged++;
    if (!complete(slides)) incompleteUnacknowledged++;
  }
  const counts = await service.queues.slides.getJobCounts('waiting', 'prioritized');
  const known = new Set(slideIds.map((id) => planJobId(id)));
  const waiting = await redis.lrange(`${service.queues.prefix}:slides:wait`, 0, -1);
  const orphans = waiting.filter((jobId) => !known.has(jobId));
  if (orphans.length > 0) problems.push(`${orphans.length} waiting plan jobs for no stored batch slide, e.g. ${orphans.slice(0, 3).join(', ')}`);
  return {
    acknowledged: acknowledged.length,
    stored: stored.size,
    lost,
    unacknowledged,
    incompleteUnacknowledged,
    queuedJobs: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    orphanJobs: orphans.length,
    problems,
  };
}
