import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SlideFormat } from '../../domain/slide.js';
import { probeSlide } from '../../slide/probe.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem, UploadedFile } from '../schemas.js';
import { realSlidesRoot, resolveSlidePath } from '../slide-path.js';
import { uploadedSlidePath } from '../uploads/uploaded-slide.js';
import type { Uploads } from '../uploads/uploads.js';

const ProbeBody = z
  .object({
    file: z.string().min(1).max(4096).optional().describe('a slide under SLIDES_ROOT'),
    files: z.array(UploadedFile).min(1).max(10_000).optional().describe('the verified files of an uploaded slide'),
  })
  .strict()
  .refine((e) => (e.file === undefined) !== (e.files === undefined), 'give either file (a slide under SLIDES_ROOT) or files (an uploaded slide), one of the two');

const ProbeJson = z.object({
  format: SlideFormat,
  width: z.number().int(),
  height: z.number().int(),
  mpp: z.number().nullable().describe('level-0 µm/px the file states; null: it states none, and the slide needs µm/px in its metadata'),
});

/**
 * What the submission page shows of a slide before it is submitted: its format, size and whether
 * the file states its pixel size (else the page asks for µm/px). The slide is opened as `analyze`
 * opens it, structure only, no pixels; an unreadable one is a 400 in the reader's words, the very
 * error its analysis would fail with.
 */
export function slideProbeRoutes(deps: ApiDeps, uploads: Uploads): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/slides/probe', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: "A slide's format, size and stated µm/px, before it is submitted (an uploaded slide by its verified files, or one under SLIDES_ROOT)",
        tags: ['batches'],
        security: [{ bearer: [] }],
        body: ProbeBody,
        response: { 200: ProbeJson, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const { file, files } = req.body;
      const at = file !== undefined ? await resolveSlidePath(await realSlidesRoot(deps.config.SLIDES_ROOT), file, 'file') : await uploadedSlidePath(uploads.content, files ?? [], 'slide');
      const p = await probeSlide(at, { targetMpp: 0.5 });
      return { format: p.format, width: p.levels[0].width, height: p.levels[0].height, mpp: p.levels[0].mpp };
    });
  };
}
