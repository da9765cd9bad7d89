import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ScoreFieldJson, scoreFieldsJson } from '../../domain/score-fields.js';

/**
 * The score fields table (src/domain/score-fields.ts) for clients: the viewer takes its labels,
 * decimals and where each value sits from here. No token: it describes scores, it holds none.
 */
export function scoreFieldRoutes(): FastifyPluginAsyncZod {
  const body = scoreFieldsJson();
  return async (app) => {
    app.get('/score-fields', {
      schema: {
        summary: 'Every score field: name, unit, meaning, markers, CSV column, store column, label and decimals, and where its value sits in a score JSON ({ scores, markerScores })',
        tags: ['scores'],
        response: { 200: z.array(ScoreFieldJson) },
      },
    }, async () => body);
  };
}
