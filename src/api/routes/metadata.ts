import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TIMEPOINTS } from '../../domain/biopsy.js';
import { knownMarkers } from '../../domain/marker.js';
import { SlideMetadata } from '../../domain/slide.js';
import { SlidePathError } from '../../errors/index.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { checkRow, MetadataRow, readSlideTable } from '../metadata-table.js';
import { Problem } from '../schemas.js';
import { realSlidesRoot, resolveSlidePath } from '../slide-path.js';

const security = [{ bearer: [] }];
const Issue = z.object({ field: z.string(), message: z.string() });
const CheckBody = z.object({ slides: z.array(MetadataRow).max(10_000) }).strict();
const Checked = z.object({
  slides: z.array(
    z.object({
      metadata: SlideMetadata.describe('the row as it would be stored (canonical names), its valid fields'),
      issues: z.array(Issue).describe('one per invalid field, in the words every other way in uses'),
      markerKnown: z.boolean().nullable().describe('a registry marker (false: analysed by the generic cell pipeline; null: none given)'),
    }),
  ),
});
const TableBody = z.object({ name: z.string().min(1).max(500).describe('the file name: .json is a manifest or a JSON array, anything else CSV'), text: z.string().max(16 * 1024 ** 2) }).strict();
const TableJson = z.object({ rows: z.array(MetadataRow.extend({ file: z.string() })), issues: z.array(z.string()) });

/**
 * What the submission page checks as the user types: each row of its metadata table against
 * SlideMetadata (the schema of every other way in), a picked path against SLIDES_ROOT, and a
 * manifest or CSV read into rows. Nothing is stored.
 */
export function metadataRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/metadata/names', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'The registry markers and study timepoints (their canonical names), for suggestions',
        tags: ['metadata'],
        security,
        response: { 200: z.object({ markers: z.array(z.string()), timepoints: z.array(z.string()) }), 401: Problem, 403: Problem },
      },
    }, async () => ({ markers: knownMarkers(), timepoints: [...TIMEPOINTS] }));

    app.post('/metadata/check', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: { summary: 'Check metadata rows as typed: per field issues and the canonical names', tags: ['metadata'], security, body: CheckBody, response: { 200: Checked, 400: Problem, 401: Problem, 403: Problem } },
    }, async (req) => {
      const root = await realSlidesRoot(deps.config.SLIDES_ROOT);
      const slides = [];
      for (const row of req.body.slides) {
        const checked = checkRow(row);
        if (row.file !== undefined) {
          try {
            await resolveSlidePath(root, row.file, 'file');
          } catch (err) {
            if (!(err instanceof SlidePathError)) throw err;
            checked.issues.unshift({ field: 'file', message: err.message });
          }
        }
        slides.push(checked);
      }
      return { slides };
    });

    app.post('/metadata/table', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: { summary: 'Read a manifest (JSON) or a CSV of slides into metadata rows', tags: ['metadata'], security, body: TableBody, response: { 200: TableJson, 400: Problem, 401: Problem, 403: Problem } },
    }, async (req) => readSlideTable(req.body.name, req.body.text));
  };
}
