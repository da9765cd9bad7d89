import type { FlowJob, FlowProducer, JobNode } from 'bullmq';
import type { TileBatchJob } from '../domain/job.js';
import { AGGREGATE_SLIDE, aggregateJobId, ANALYSE_TILES, PLAN_SLIDE, planJobId, SLIDES_QUEUE, TILES_QUEUE, tileBatchJobId } from './names.js';
import { AggregateSlideJob, PlanSlideJob, QueuedTileBatch } from './payloads.js';
import { jobOptions, tileJobOptions } from './policy.js';

export interface SlideFlowInput {
  aggregate: AggregateSlideJob;
  /** the slide's tile batches, as prepareSlide cut them */
  jobs: readonly TileBatchJob[];
}

/**
 * One flow per analysis run: the aggregate-slide parent on SLIDES runs once every tile batch child on
 * TILES has completed. Payloads are parsed here so a malformed job never reaches Redis.
 */
export function slideFlow(input: SlideFlowInput): FlowJob {
  const aggregate = AggregateSlideJob.parse(input.aggregate);
  if (input.jobs.length === 0) throw new RangeError(`slide flow for ${aggregate.slidePath}: no tile batches`);
  const tiles = input.jobs.reduce((n, j) => n + j.tiles.length, 0);
  if (tiles !== aggregate.tileCount) {
    throw new RangeError(`slide flow for ${aggregate.slidePath}: the batches hold ${tiles} tiles, the plan ${aggregate.tileCount}`);
  }
  return {
    name: AGGREGATE_SLIDE,
    queueName: SLIDES_QUEUE,
    data: aggregate,
    opts: { ...jobOptions(), jobId: aggregateJobId(aggregate.analysisId, aggregate.runStartedMs) },
    children: input.jobs.map((job) => {
      const data = QueuedTileBatch.parse({ ...job, analysisId: aggregate.analysisId, batchSlideId: aggregate.batchSlideId });
      return {
        name: ANALYSE_TILES,
        queueName: TILES_QUEUE,
        data,
        opts: { ...tileJobOptions(), jobId: tileBatchJobId(aggregate.analysisId, aggregate.runStartedMs, data.tiles[0].id) },
      };
    }),
  };
}

export function buildSlideFlow(producer: FlowProducer, input: SlideFlowInput): Promise<JobNode> {
  return producer.add(slideFlow(input));
}

/** A lone job (a flow without children): the first step of each submitted slide. */
export function planSlideFlow(plan: PlanSlideJob): FlowJob {
  const data = PlanSlideJob.parse(plan);
  return { name: PLAN_SLIDE, queueName: SLIDES_QUEUE, data, opts: { ...jobOptions(), jobId: planJobId(data.batchSlideId) } };
}
