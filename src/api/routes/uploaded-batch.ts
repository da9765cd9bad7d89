import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AnalysisParamsInput } from '../../domain/params.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { BrowserSubmitBody, Problem, Submitted } from '../schemas.js';
import { realSlidesRoot, resolveSlidePath } from '../slide-path.js';
import { uploadedSlidePath } from '../uploads/uploaded-slide.js';
import type { Uploads } from '../uploads/uploads.js';

/**
 * The submission page's batch: uploaded slides (named by their verified files) and slides picked
 * under SLIDES_ROOT, in one batch, each with its metadata. Nothing is queued unless every entry
 * resolves; the answer names the entry that does not.
 */
export function uploadedBatchRoutes(deps: ApiDeps, uploads: Uploads): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/batches/uploaded', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Submit a batch of uploaded slides (their verified files) and slides under SLIDES_ROOT',
        tags: ['batches'],
        security: [{ bearer: [] }],
        body: BrowserSubmitBody,
        response: { 201: Submitted, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req, reply) => {
      const who = principalOf(req);
      const root = await realSlidesRoot(deps.config.SLIDES_ROOT);
      const slides = [];
      for (const [i, { file, files, ...metadata }] of req.body.slides.entries()) {
        const at = file !== undefined ? await resolveSlidePath(root, file, `slides[${i}].file`) : await uploadedSlidePath(uploads.content, files ?? [], `slides[${i}]`);
        slides.push({ path: at, metadata });
      }
      const { batchId } = await deps.batches.submit({ slides, createdBy: creatorOf(who), params: (req.body.params ?? {}) as AnalysisParamsInput });
      return reply.code(201).send({ batchId, slides: slides.length });
    });
  };
}
