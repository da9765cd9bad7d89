import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseBiopsy } from '../../domain/biopsy.js';
import type { ScoreRow } from '../../store/store.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { HttpError } from '../../errors/index.js';
import { scoreJson } from '../json-views.js';
import { Problem, ScoreJson, ScoreQuery, SlideId } from '../schemas.js';
import { scoresCsv } from '../scores-csv.js';

const security = [{ bearer: [] }];

/** Per-slide scores of finished analyses, filtered by slide, biopsy, patient, marker, timepoint. */
export function scoreRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/scores', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: 'Scores as JSON (with the marker scores and each analysis\' review state and version), ?signedOff=true for signed-off analyses only (their scores as signed), or CSV with ?format=csv (a header row; units in the column names; marker scores flattened into columns, empty where they do not apply)',
        tags: ['scores'],
        security,
        querystring: ScoreQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: z.array(ScoreJson), 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req, reply) => {
      const q = req.query;
      let { patient, timepoint } = q;
      let rows: ScoreRow[] = [];
      let contradictory = false;
      const biopsy = q.biopsy === undefined ? undefined : parseBiopsy(q.biopsy);
      if (biopsy) {
        contradictory = (patient !== undefined && patient !== biopsy.patient) || (timepoint !== undefined && timepoint !== biopsy.timepoint);
        ({ patient, timepoint } = biopsy);
      }
      if (!contradictory) rows = await deps.store.listScores({ patient, timepoint, marker: q.marker, slideId: q.slide, signedOff: q.signedOff });
      if (q.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="scores.csv"').send(scoresCsv(rows) as never); // a string body skips the JSON serializer
      }
      return rows.map(scoreJson);
    });

    app.get('/slides/:id/scores', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: "One slide's scores (one entry per parameter set / code version it was analysed with)",
        tags: ['scores'],
        security,
        params: SlideId,
        response: { 200: z.array(ScoreJson), 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req) => {
      const rows = await deps.store.listScores({ slideId: req.params.id });
      if (rows.length === 0) throw new HttpError(404, `slide ${req.params.id} has no finished analysis`);
      return rows.map(scoreJson);
    });
  };
}
