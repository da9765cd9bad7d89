import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { biopsyOf } from '../../domain/biopsy.js';
import { ReviewState } from '../../domain/review-state.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem } from '../schemas.js';
import { latestPerSlide } from './viewer.js';

const security = [{ bearer: [] }];

const QueueEntry = z.object({
  analysisId: z.number().int().describe('the latest finished analysis of the slide'),
  slideId: z.number().int(),
  name: z.string().describe('file name of the slide'),
  patient: z.string().nullable(),
  timepoint: z.string().nullable(),
  biopsy: z.string().nullable(),
  marker: z.string().nullable(),
  computedAt: z.string().describe('ISO 8601'),
  regionsVersion: z.number().int().nonnegative().describe('the latest saved region version; 0 while none was saved'),
  reviewState: ReviewState.describe('analysed (not started) or in_review; signed-off analyses are not listed'),
  reviewVersion: z.number().int().nonnegative().describe('0 while analysed; the review version in progress otherwise'),
});

/**
 * The review queue (issue 12): what a pathologist opens one after another in the viewer: each
 * slide's latest finished analysis whose review is not signed off (analysed, or in review). The
 * list carries no scores, so a reviewer's token sees no more of the cohort than the slides it may open.
 */
export function reviewQueueRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/review/queue', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: "Analyses awaiting review: each slide's latest finished analysis not signed off (patient → timepoint order), with its review state and latest region version, without scores",
        tags: ['review'],
        security,
        response: { 200: z.array(QueueEntry), 401: Problem, 403: Problem },
      },
    }, async () => {
      const rows = latestPerSlide(await deps.store.listScores()).filter((r) => r.review.state !== 'signed_off');
      const versions = await Promise.all(rows.map((r) => deps.store.listRegionVersions(r.analysisId)));
      return rows.map((r, i) => ({
        analysisId: r.analysisId,
        slideId: r.slideId,
        name: path.basename(r.path),
        patient: r.patient,
        timepoint: r.timepoint,
        biopsy: biopsyOf(r.patient, r.timepoint),
        marker: r.marker,
        computedAt: r.computedAt.toISOString(),
        regionsVersion: versions[i].at(-1)?.version ?? 0,
        reviewState: r.review.state,
        reviewVersion: r.review.version,
      }));
    });
  };
}
