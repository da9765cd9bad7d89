import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AnalysisParamsInput } from '../../domain/params.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import { visibleBatch } from '../batch-access.js';
import type { ApiDeps } from '../deps.js';
import { batchJson, batchSummaryJson } from '../json-views.js';
import { BatchId, BatchJson, BatchStatusName, BatchSummaryJson, Problem, Submitted, SubmitBody } from '../schemas.js';
import { realSlidesRoot, resolveSlidePath } from '../slide-path.js';

const security = [{ bearer: [] }];

/** Batches from a JSON manifest of slides already under SLIDES_ROOT, and their status. */
export function batchRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/batches', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Submit a batch of slides under SLIDES_ROOT',
        tags: ['batches'],
        security,
        body: SubmitBody,
        response: { 201: Submitted, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req, reply) => {
      const who = principalOf(req);
      const root = await realSlidesRoot(deps.config.SLIDES_ROOT);
      const slides = [];
      for (const [i, { file, ...metadata }] of req.body.slides.entries()) {
        slides.push({ path: await resolveSlidePath(root, file, `slides[${i}].file`), metadata });
      }
      const { batchId } = await deps.batches.submit({ slides, createdBy: creatorOf(who), params: (req.body.params ?? {}) as AnalysisParamsInput });
      return reply.code(201).send({ batchId, slides: slides.length });
    });

    app.get('/batches', {
      onRequest: allow(deps.tokens, 'submitter', 'reader'),
      schema: {
        summary: "List batches, newest first (a submitter sees its own); ?status= keeps those in one state",
        tags: ['batches'],
        security,
        querystring: z.object({ status: BatchStatusName.optional().describe('only batches in this state') }).strict(),
        response: { 200: z.array(BatchSummaryJson), 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const who = principalOf(req);
      const list = await deps.batches.list(who.role === 'submitter' ? creatorOf(who) : undefined);
      return list.filter((b) => req.query.status === undefined || b.status === req.query.status).map(batchSummaryJson);
    });

    app.get('/batches/:id', {
      onRequest: allow(deps.tokens, 'submitter', 'reader'),
      schema: {
        summary: 'Batch status with per-slide progress and errors',
        tags: ['batches'],
        security,
        params: BatchId,
        response: { 200: BatchJson, 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req) => batchJson(await visibleBatch(deps.batches, principalOf(req), req.params.id)));
  };
}
