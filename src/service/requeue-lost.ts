import type { Queue, FlowProducer } from 'bullmq';
import { planSlideFlow } from '../queue/flow.js';
import { aggregateJobId, planJobId } from '../queue/names.js';
import type { BatchStore } from '../store/batch-store.js';

export interface RequeueDeps {
  batches: BatchStore;
  flows: FlowProducer;
  /** the SLIDES queue, where each slide's plan job and then its aggregate job live */
  slides: Queue;
}

export interface RequeueOutcome {
  /** slides queued again from their plan */
  requeued: number[];
  /** slides failed because their row cannot rebuild the plan */
  failed: number[];
}

/**
 * A slide that is queued or running always has a job in Redis: its plan job until the plan adds
 * the slide's flow, then the flow's aggregate job until the slide is settled (BatchStore marks it
 * before the job completes). A Redis that restarts without its data (no persistence, a failover
 * to an empty replica) loses those jobs, and nothing would ever settle the slide. Such a slide is
 * queued again from its row: the plan joins the run still marked running and adds its flow
 * again (tile results are upserted, the aggregate counts every tile), so the batch still ends
 * complete.
 *
 * Rows unchanged for less than `quietMs` are left alone: a batch being submitted has its rows a
 * moment before its jobs. A second sweep racing this one adds the same plan job id, which BullMQ
 * keeps once.
 */
export async function requeueLostSlides(deps: RequeueDeps, quietMs: number): Promise<RequeueOutcome> {
  const out: RequeueOutcome = { requeued: [], failed: [] };
  for (const slide of await deps.batches.listUnsettledSlides(quietMs)) {
    if (slide.run && (await deps.slides.getJob(aggregateJobId(slide.run.analysisId, slide.run.startedMs)))) continue;
    const plan = await deps.slides.getJob(planJobId(slide.id));
    // a plan job still to run or running is the slide's work; a finished one left no flow behind
    if (plan && !(await plan.isCompleted()) && !(await plan.isFailed())) continue;
    if (!slide.params) {
      await deps.batches.markFailed(slide.id, `${slide.path}: its queued work was lost (Redis lost its data) and the slide was submitted before its parameters were kept; submit it again`, 'QUEUE');
      out.failed.push(slide.id);
      continue;
    }
    await plan?.remove();
    await deps.flows.add(planSlideFlow({ batchSlideId: slide.id, slidePath: slide.path, metadata: slide.metadata, params: slide.params }));
    out.requeued.push(slide.id);
  }
  return out;
}
