import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { qupathGeoJsonChunks } from '../../cohort/export-geojson.js';
import { parseScoreExportRows, scoresToCsv } from '../../cohort/export-scores.js';
import { analysisGeoJsonSource, researchExportRows } from '../../cohort/research-exports.js';
import { researchRows } from '../../cohort/research-rows.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { ReviewState } from '../../domain/review-state.js';
import { Problem, SignedOffFlag } from '../schemas.js';

const security = [{ bearer: [] }];

const ExportQuery = z.object({ format: z.enum(['csv', 'json']).default('json'), signedOff: SignedOffFlag });
const ExportRowJson = z.object({
  patient: z.string(),
  timepoint: z.string(),
  marker: z.string(),
  slide: z.string(),
  scores: z.record(z.string(), z.number().nullable()),
  responder: z.boolean().nullable().optional(),
  reviewState: ReviewState.nullable().optional().describe("the pathologist's review of the analysis: analysed, in_review, signed_off"),
  reviewVersion: z.number().int().nullable().optional().describe('0 while analysed; the signed version when signed off'),
});
const AnalysisParam = z.object({ id: z.coerce.number().int().positive() });

/** The cohort's score rows (CSV or JSON) and one analysis' detections as QuPath GeoJSON. */
export function exportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/export', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: 'Score rows of the cohort (the analysis each comparison uses per biopsy and marker), catalogue scores by name, with IMACS responder status (baseline → month-6) and each analysis’s review state and version (?signedOff=true: signed-off analyses only, their scores as signed); JSON, or CSV with ?format=csv',
        tags: ['cohort'],
        security,
        querystring: ExportQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: z.array(ExportRowJson), 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req, reply) => {
      const rows = researchExportRows(await researchRows(deps.store, { signedOff: req.query.signedOff }));
      if (req.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cohort-scores.csv"').send(scoresToCsv(rows) as never);
      }
      return parseScoreExportRows(rows);
    });

    app.get('/analyses/:id/geojson', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: "A finished analysis' detections (cells) and muscle fibres as a QuPath GeoJSON FeatureCollection (level-0 pixels of the slide; File › Import objects in QuPath)",
        tags: ['cohort'],
        security,
        params: AnalysisParam,
        produces: ['application/geo+json'],
        response: { 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req, reply) => {
      const src = await analysisGeoJsonSource(deps.store, req.params.id);
      // streamed, so a slide with 10⁵ detections never sits in memory as one string
      return reply
        .type('application/geo+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="analysis-${req.params.id}.geojson"`)
        .send(Readable.from(qupathGeoJsonChunks(src.cells, src.options, src.fibres)) as never);
    });
  };
}
