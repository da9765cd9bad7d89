import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem } from '../schemas.js';
import { realSlidesRoot } from '../slide-path.js';
import { listSlidesRoot } from '../slides-root-listing.js';
import type { Uploads } from '../uploads/uploads.js';

const Listing = z.object({
  dir: z.string(),
  entries: z.array(
    z.object({
      name: z.string(),
      path: z.string().describe('relative to SLIDES_ROOT'),
      kind: z.enum(['folder', 'series', 'slide']).describe('folder: browse into it; series: a DICOM folder that is one slide; slide: a slide file'),
      size: z.number().int().describe('bytes'),
    }),
  ),
});

/** The slides already on the server under SLIDES_ROOT, folder by folder, to submit without uploading. */
export function slidesRootRoutes(deps: ApiDeps, uploads: Uploads): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/slides-root', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Slides and folders in one folder under SLIDES_ROOT (the upload folder left out)',
        tags: ['batches'],
        security: [{ bearer: [] }],
        querystring: z.object({ dir: z.string().max(4096).default('').describe('a folder relative to SLIDES_ROOT; empty: the root') }).strict(),
        response: { 200: Listing, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const root = await realSlidesRoot(deps.config.SLIDES_ROOT);
      return { dir: req.query.dir, entries: await listSlidesRoot(root, req.query.dir, [uploads.area.root]) };
    });
  };
}
